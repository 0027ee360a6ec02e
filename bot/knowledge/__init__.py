"""Knowledge: the editors' files, loaded into SQL, and the search over them."""
