"""Custom actions: thin rasa_sdk adapters over the services in bot/."""
