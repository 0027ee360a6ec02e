"""Redaction of personal data in chat messages: `redact(text)` before anything stores the text."""

from bot.privacy.redact import Finding, Redaction, redact

__all__ = ["Finding", "Redaction", "redact"]
