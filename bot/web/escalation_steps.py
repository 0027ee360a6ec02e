"""The steps on an escalation that came with the workbench: release it to the inbox, hand it over
to a colleague, and record a callback attempt. Login, roles and CSRF are in auth.py, the error
pages are the advisors' (advisors.py); the rules live in bot/escalation."""

from __future__ import annotations

from sanic import Blueprint

from bot.web.advisors import act, is_lead
from bot.web.auth import signed_in
from bot.web.pages import services_of

escalation_steps = Blueprint("escalation_steps")


@escalation_steps.post("/adviseurs/escalaties/<ticket>/release")
@signed_in
async def advisors_release(request, ticket: str):
    return await act(request, ticket, services_of(request).escalation.release, lead=is_lead(request))


@escalation_steps.post("/adviseurs/escalaties/<ticket>/handover")
@signed_in
async def advisors_hand_over(request, ticket: str):
    colleague = (request.form.get("colleague") or "")[:80]
    return await act(request, ticket, services_of(request).escalation.hand_over, colleague, lead=is_lead(request))


@escalation_steps.post("/adviseurs/escalaties/<ticket>/attempt")
@signed_in
async def advisors_callback_attempt(request, ticket: str):
    form = request.form
    return await act(request, ticket, services_of(request).desk.callbacks.record, form.get("outcome") or "",
                     form.get("note") or "")  # fmt: skip
