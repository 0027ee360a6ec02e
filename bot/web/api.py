"""The advisors' JSON API: the inbox and one escalation for scripts and the inbox page's refresh,
and a live chat's transcript with whether the professional is typing. Login as in auth.py."""

from __future__ import annotations

import asyncio

from sanic import Blueprint, response

from bot.escalation.lifecycle import UnknownTicket
from bot.store.words import EscalationStatus
from bot.web.advisors import opened, overview
from bot.web.auth import api_signed_in
from bot.web.pages import WHO, pages_of, services_of

api = Blueprint("api")


def missing(ticket: str) -> response.HTTPResponse:
    return response.json({"error": f"Escalatie {ticket} bestaat niet (meer)."}, status=404)


@api.get("/api/escalations")
@api_signed_in
async def advisors_api_list(request):
    data = await asyncio.to_thread(overview, request)
    return response.json(data, status=400 if data["error"] else 200)


@api.get("/api/escalations/<ticket>")
@api_signed_in
async def advisors_api_escalation(request, ticket: str):
    item = await opened(request, ticket, "api")
    return missing(ticket) if item is None else response.json(item)


@api.get("/adviseurs/escalaties/<ticket>/gesprek")
@api_signed_in
async def advisors_live_transcript(request, ticket: str):
    """The transcript for a live chat's page to refresh itself, and whether the professional is
    typing; opening the page was audited already."""
    services, pages = services_of(request), pages_of(request)
    try:
        item = await asyncio.to_thread(services.escalation.get, ticket)
    except UnknownTicket:
        return missing(ticket)
    lines = await asyncio.to_thread(services.escalation.transcript, item["conversation_id"])
    live = item["mode"] == "live" and item["status"] != EscalationStatus.CLOSED
    typing = live and await asyncio.to_thread(services.live_chat.typing, item["conversation_id"])
    return response.json({
        "lines": [{"who": line["who"], "label": f"{WHO[line['who']]}, {pages.local(line['time'])}",
                   "text": line["text"]} for line in lines],
        "typing": typing,
    })  # fmt: skip
