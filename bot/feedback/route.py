"""POST /feedback: the widget's "Was dit nuttig?", for the conversation the caller can prove it owns.

The same checks as the chat: allow-listed Origin or none, JSON only, the
conversation's resume token (bot/conversation_ids.py), and limits per
conversation and per client address (X-Forwarded-For only from a trusted
proxy), so that nobody fills the maintainers' review queue.
"""

from __future__ import annotations

import asyncio

from sanic import Sanic, response

from bot.client_address import client_address
from bot.config import Settings
from bot.conversation_ids import proves_ownership
from bot.feedback import FeedbackError, FeedbackService
from bot.http_checks import NOT_AN_OBJECT, json_object, refusal
from bot.ratelimit import RateLimiter, rate_limiter

NOT_SAVED = "Je beoordeling kon niet worden opgeslagen."
NOT_YOURS = "Dit gesprek kan vanaf hier niet worden beoordeeld."
TOO_MANY = "Te veel beoordelingen kort na elkaar; probeer het over een minuut opnieuw."


def error(text: str, status: int) -> response.HTTPResponse:
    return response.json({"error": text}, status=status)


class OwnedRequests:
    """The checks every rating from the widget passes before its body means anything: Origin,
    JSON, the conversation's resume token, and the limits per conversation and per address."""

    def __init__(self, settings: Settings, per_conversation: RateLimiter, per_address: RateLimiter):
        self.settings = settings
        self.per_conversation = per_conversation
        self.per_address = per_address

    def check(self, request) -> tuple[dict, str] | response.HTTPResponse:
        """The body and the conversation it proved it owns, or the refusal to send."""
        settings = self.settings
        refused = refusal(request.headers.get("origin"), request.content_type, request.body, settings.allowed_origins)
        if refused:
            return error(refused[1], refused[0])
        body = json_object(request.body)
        if body is None:
            return error(NOT_AN_OBJECT, 400)
        session_id = body.get("session_id")
        if not proves_ownership(settings.session_secret, session_id, body.get("resume_token")):
            return error(NOT_YOURS, 403)
        address = client_address(request.ip, request.headers.get("x-forwarded-for"), settings.trusted_proxies)
        if not self.per_conversation.allow(session_id) or not self.per_address.allow(address):
            return error(TOO_MANY, 429)
        return body, session_id


def register_feedback_routes(app: Sanic, settings: Settings, service: FeedbackService) -> None:
    # A conversation rates each answer once; an address may be an office full of professionals.
    owned = OwnedRequests(
        settings,
        rate_limiter(settings, "feedback:conversation", per_minute=10, burst=10),
        rate_limiter(settings, "feedback:address", per_minute=60, burst=30),
    )

    @app.options("/feedback")
    async def feedback_preflight(request):
        return response.empty()

    @app.post("/feedback")
    async def feedback(request):
        checked = await asyncio.to_thread(owned.check, request)  # its limits may ask Redis
        if isinstance(checked, response.HTTPResponse):
            return checked
        body, session_id = checked
        query, articles = body.get("query", ""), body.get("articles", [])
        if not isinstance(query, str) or not isinstance(articles, list):
            return error(NOT_SAVED, 400)
        try:
            await asyncio.to_thread(service.rate, session_id, body.get("rating"), query=query, article_ids=articles)
        except FeedbackError:
            return error(NOT_SAVED, 400)
        return response.json({"status": "ok"})
