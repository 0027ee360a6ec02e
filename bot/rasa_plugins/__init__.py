"""Extensions loaded by the Rasa server itself (named in endpoints.yml and credentials.yml).

Rasa imports this package at start for our tracker store and channels, so this is
also where its reply check is swapped for the faster one (see action_replies.py).
"""

from bot.rasa_plugins import action_replies

action_replies.install()
