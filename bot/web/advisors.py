"""The advisors' pages: the inbox of escalations, one escalation with its handoff summary and
transcript, and claiming, noting and replying. The other steps on an escalation (closing among them)
are in escalation_steps.py, the JSON API in api.py, the lead advisors' pages in lead.py; login, roles
and CSRF in auth.py. Every opened escalation is written to the audit log.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from sanic import Blueprint, response

from bot.advisors.accounts import LEAD
from bot.advisors.audit import describe
from bot.advisors.live_chat import NothingToSay
from bot.escalation.callbacks_log import OUTCOMES
from bot.escalation.inbox_rows import VIEWS, SearchError
from bot.escalation.lifecycle import NotHolder, TransitionError, UnknownTicket, may_finish
from bot.escalation.relay import RelayError
from bot.store.words import EscalationStatus
from bot.web.auth import signed_in
from bot.web.pages import PAYLOADS, REASONS, WHO, duration_in_words, pages_of, refuse, services_of

advisors = Blueprint("advisors")


def overview(request) -> dict:
    """The inbox of one view (?filter=) or search (?ticket=), with the counts and the waiting
    escalations the page title, the banner and the notifications are about."""
    services, pages = services_of(request), pages_of(request)
    rows = services.desk.rows
    view = request.args.get("filter", "open")
    view = view if view in VIEWS else "open"
    search = (request.args.get("ticket") or "").strip()
    everything_open = rows.rows("open")
    error, items = None, everything_open
    if search or view != "open":
        try:
            items = rows.rows(view, request.ctx.advisor.username, search)
        except SearchError as refused:
            error, items = str(refused), []
    waiting = [pages.present(i) for i in everything_open if i["status"] == EscalationStatus.OPEN]
    return {
        "view": view, "search": search, "error": error, "items": [pages.present(i) for i in items],
        "counts": rows.counts(everything_open),
        "waiting": [{key: i[key] for key in ("ticket", "acute", "mode", "mode_label", "reason_label")}
                    for i in waiting],
        "online": [a.username for a in services.accounts.online_advisors()],
    }  # fmt: skip


async def opened(request, ticket: str, via: str) -> dict | None:
    """The escalation with its transcript, written to the audit log; None if it does not exist."""
    services = services_of(request)

    def load() -> dict:
        item = services.escalation.get(ticket)
        item["handoff"] = services.desk.handoff.summary(item)
        item["attempts"] = services.desk.callbacks.attempts(ticket)
        item["transcript"] = services.escalation.transcript(item["conversation_id"])
        services.desk.audit.opened(request.ctx.advisor.username, ticket, via)
        return item

    try:
        return pages_of(request).present(await asyncio.to_thread(load))
    except UnknownTicket:
        return None


async def detail_page(request, ticket: str, error: str | None = None, status: int = 409):
    item = await opened(request, ticket, "page")
    if item is None:
        return refuse(request, 404, f"Escalatie {ticket} bestaat niet (meer).")
    advisor, services = request.ctx.advisor, services_of(request)

    def extras() -> dict:
        colleagues = [a.username for a in services.accounts.all()
                      if not a.disabled and a.username != item["claimed_by"]]  # fmt: skip
        history = [(entry, describe(entry)) for entry in services.desk.audit.actions(ticket=ticket)]
        return {"colleagues": colleagues, "history": history, "canned": services.desk.canned.all()}

    return pages_of(request).page(
        request, "escalation.html", status=status if error else 200, item=item, who=WHO, payloads=PAYLOADS,
        error=error, may_finish=may_finish(item, advisor.username, advisor.role == LEAD), outcomes=OUTCOMES,
        waiting=duration_in_words(item["handoff"]["waiting_seconds"]), reasons=REASONS,
        **await asyncio.to_thread(extras),
    )  # fmt: skip


async def act(request, ticket: str, step, *args, anchor: str = "", **kwargs):
    """One step on an escalation by the signed-in advisor; its refusal is shown on the escalation's page."""
    try:
        await asyncio.to_thread(step, ticket, request.ctx.advisor.username, *args, **kwargs)
    except UnknownTicket as missing:
        return refuse(request, 404, str(missing))
    except NotHolder as refused:
        return await detail_page(request, ticket, error=str(refused), status=403)
    except (TransitionError, NothingToSay, RelayError) as error:
        return await detail_page(request, ticket, error=str(error))
    return response.redirect(f"/adviseurs/escalaties/{quote(ticket, safe='')}{anchor}", status=303)


def is_lead(request) -> bool:
    return request.ctx.advisor.role == LEAD


@advisors.get("/adviseurs")
@signed_in
async def advisors_inbox(request):
    data = await asyncio.to_thread(overview, request)
    return pages_of(request).page(request, "inbox.html", status=400 if data["error"] else 200, views=VIEWS, **data)


@advisors.get("/adviseurs/escalaties/<ticket>")
@signed_in
async def advisors_escalation(request, ticket: str):
    return await detail_page(request, ticket)


@advisors.post("/adviseurs/escalaties/<ticket>/claim")
@signed_in
async def advisors_claim(request, ticket: str):
    return await act(request, ticket, services_of(request).escalation.claim)


@advisors.post("/adviseurs/escalaties/<ticket>/note")
@signed_in
async def advisors_note(request, ticket: str):
    return await act(request, ticket, services_of(request).escalation.add_note, request.form.get("text") or "")


@advisors.post("/adviseurs/escalaties/<ticket>/reply")
@signed_in
async def advisors_reply(request, ticket: str):
    """Live mode: the advisor's words, or a canned reply, go to the professional's open chat."""
    form = request.form
    return await act(request, ticket, services_of(request).live_chat.reply, form.get("text") or "",
                     form.get("canned") or "", lead=is_lead(request), anchor="#antwoord")  # fmt: skip
