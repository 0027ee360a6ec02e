"""The steps on an escalation besides claiming, noting and replying: close it, release it to the inbox,
hand it over to a colleague, and record a callback attempt. Login, roles and CSRF are in auth.py, the error
pages are the advisors' (advisors.py); the rules live in bot/escalation."""

from __future__ import annotations

from sanic import Blueprint

from bot.web.advisors import act, is_lead
from bot.web.auth import signed_in
from bot.web.pages import services_of

escalation_steps = Blueprint("escalation_steps")


# Closing and releasing take nothing but the ticket and whether the advisor is a lead.
LEAD_STEPS = {
    "close": lambda services: services.live_chat.close,
    "release": lambda services: services.escalation.release,
}


def lead_step(word: str, step_of) -> None:
    @escalation_steps.post(f"/adviseurs/escalaties/<ticket>/{word}", name=f"advisors_{word}")
    @signed_in
    async def handler(request, ticket: str):
        return await act(request, ticket, step_of(services_of(request)), lead=is_lead(request))


for _word, _step_of in LEAD_STEPS.items():
    lead_step(_word, _step_of)


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
