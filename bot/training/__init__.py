"""Training: models from the NLU data, and which one runs."""
