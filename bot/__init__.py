"""Platform JEP assistant: the domain logic behind the Rasa bot."""
