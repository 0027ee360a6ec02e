"""The steps on an escalation that came with the workbench: release it to the inbox, hand it over
to a colleague, and record a callback attempt. Login, roles, CSRF and the error pages are the
advisors' (bot/web/advisors.py); the rules live in bot/escalation."""

from __future__ import annotations

from sanic import Sanic

from bot.advisors.accounts import LEAD
from bot.escalation.desk import Desk
from bot.escalation.service import EscalationService
from bot.web.advisors import INBOX_ROLES, require_role


def register_step_routes(app: Sanic, inbox: EscalationService, desk: Desk) -> None:
    signed_in = require_role(*INBOX_ROLES)
    act = app.ctx.escalation_step

    @app.post("/adviseurs/escalaties/<ticket>/release")
    @signed_in
    async def advisors_release(request, ticket: str):
        return await act(request, ticket, inbox.release, lead=request.ctx.advisor.role == LEAD)

    @app.post("/adviseurs/escalaties/<ticket>/handover")
    @signed_in
    async def advisors_hand_over(request, ticket: str):
        colleague = (request.form.get("colleague") or "")[:80]
        return await act(request, ticket, inbox.hand_over, colleague, lead=request.ctx.advisor.role == LEAD)

    @app.post("/adviseurs/escalaties/<ticket>/attempt")
    @signed_in
    async def advisors_callback_attempt(request, ticket: str):
        form = request.form
        return await act(request, ticket, desk.callbacks.record, form.get("outcome") or "", form.get("note") or "")
