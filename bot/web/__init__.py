"""The web app: chat page and article pages (port 8000)."""
