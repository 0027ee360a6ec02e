"""POST /beoordeling/live: the widget's one question after a live chat with an advisor.

The same checks as /feedback (route.py): allow-listed Origin or none, JSON only, the
conversation's resume token, limits per conversation and per address. The rules for the
rating itself (a closed live chat, once) are in bot/escalation/live_rating.py.
"""

from __future__ import annotations

import asyncio

from sanic import Sanic, response

from bot.config import Settings
from bot.escalation.live_rating import NOT_A_RATING, LiveRatings, RatingRefused, valid_rating
from bot.feedback.route import OwnedRequests, error
from bot.ratelimit import rate_limiter

PATH = "/beoordeling/live"


def register_live_rating_route(app: Sanic, settings: Settings, ratings: LiveRatings) -> None:
    # One answer per live chat is stored; the budget only leaves room for a retry or two.
    owned = OwnedRequests(
        settings,
        rate_limiter(settings, "live-rating:conversation", per_minute=5, burst=5),
        rate_limiter(settings, "live-rating:address", per_minute=60, burst=30),
    )

    @app.options(PATH)
    async def live_rating_preflight(request):
        return response.empty()

    @app.post(PATH)
    async def live_rating(request):
        checked = await asyncio.to_thread(owned.check, request)  # its limits may ask Redis
        if isinstance(checked, response.HTTPResponse):
            return checked
        body, session_id = checked
        if not valid_rating(body.get("rating")):
            return error(NOT_A_RATING, 400)
        try:
            await asyncio.to_thread(ratings.rate, session_id, body["rating"])
        except RatingRefused as refused:
            return error(str(refused), 409)
        return response.json({"status": "ok"})
