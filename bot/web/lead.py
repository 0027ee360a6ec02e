"""The lead advisors' pages (role lead): the team's accounts, the canned replies for live chat,
and the figures with their CSV export. Login, roles and CSRF are in auth.py; the rules live in
bot/advisors and bot/escalation."""

from __future__ import annotations

import asyncio
import secrets
from urllib.parse import urlencode

from sanic import Blueprint, response

from bot.advisors.accounts import LEAD, TEAM_ROLES, USERNAME, AccountError
from bot.advisors.canned_replies import CannedReplyError
from bot.escalation.figures import COLUMNS, PERIODS, FiguresError, period_range
from bot.web.auth import require_role
from bot.web.pages import pages_of, services_of

TEAM, CANNED, FIGURES = "/adviseurs/team", "/adviseurs/standaardantwoorden", "/adviseurs/cijfers"
DONE = {
    "uitgeschakeld": "Account {name} is uitgeschakeld; de sessies zijn beëindigd.",
    "ingeschakeld": "Account {name} kan weer inloggen.",
    "verwijderd": "Account {name} is verwijderd.",
}
ROLE_NAMES = {"advisor": "adviseur", LEAD: "teamleider"}

lead_pages = Blueprint("lead")
lead = require_role(LEAD)


async def team_page(request, status: int = 200, error: str | None = None, done: str | None = None,
                    password: str | None = None, name: str | None = None):  # fmt: skip
    team = await asyncio.to_thread(services_of(request).accounts.team)
    return pages_of(request).page(request, "team.html", status=status, team=team, error=error, done=done,
                                  password=password, name=name, roles=ROLE_NAMES)  # fmt: skip


@lead_pages.get(TEAM)
@lead
async def lead_team(request):
    outcome, name = request.args.get("klaar", ""), request.args.get("naam", "")
    done = DONE[outcome].format(name=name) if outcome in DONE and USERNAME.fullmatch(name) else None
    return await team_page(request, done=done)


async def account_step(request, name: str, step, outcome: str):
    try:
        await asyncio.to_thread(step, name, request.ctx.advisor.username, TEAM_ROLES)
    except AccountError as refused:
        return await team_page(request, status=409, error=str(refused))
    return response.redirect(f"{TEAM}?{urlencode({'klaar': outcome, 'naam': name})}", status=303)


@lead_pages.post(f"{TEAM}/<name>/uitschakelen")
@lead
async def lead_disable(request, name: str):
    return await account_step(request, name, services_of(request).accounts.disable, "uitgeschakeld")


@lead_pages.post(f"{TEAM}/<name>/inschakelen")
@lead
async def lead_enable(request, name: str):
    return await account_step(request, name, services_of(request).accounts.enable, "ingeschakeld")


@lead_pages.post(f"{TEAM}/<name>/verwijderen")
@lead
async def lead_remove(request, name: str):
    if request.form.get("zeker") != "ja":
        sure = "Vink eerst aan dat je het account zeker wilt verwijderen."
        return await team_page(request, status=400, error=sure)
    return await account_step(request, name, services_of(request).accounts.remove, "verwijderd")


@lead_pages.post(f"{TEAM}/<name>/wachtwoord")
@lead
async def lead_reset_password(request, name: str):
    # A new password shown once, on this page, never in a link or a log.
    password = secrets.token_urlsafe(12)
    try:
        await asyncio.to_thread(services_of(request).accounts.reset_password, name, password,
                                request.ctx.advisor.username, TEAM_ROLES)  # fmt: skip
    except AccountError as refused:
        return await team_page(request, status=409, error=str(refused))
    return await team_page(request, password=password, name=name)


async def canned_page(request, status: int = 200, error: str | None = None):
    replies = await asyncio.to_thread(services_of(request).desk.canned.all)
    return pages_of(request).page(request, "canned.html", status=status, replies=replies, error=error)


@lead_pages.get(CANNED)
@lead
async def lead_canned(request):
    return await canned_page(request)


@lead_pages.post(CANNED)
@lead
async def lead_canned_save(request):
    number = request.form.get("id") or ""
    if number and not (number.isdigit() and len(number) < 10):
        return await canned_page(request, status=400, error="Dit standaardantwoord bestaat niet (meer).")
    form, canned = request.form, services_of(request).desk.canned
    try:
        await asyncio.to_thread(canned.save, form.get("title") or "", form.get("text") or "",
                                request.ctx.advisor.username, int(number) if number else None)  # fmt: skip
    except CannedReplyError as refused:
        return await canned_page(request, status=400, error=str(refused))
    return response.redirect(CANNED, status=303)


@lead_pages.post(f"{CANNED}/<number:int>/verwijderen")
@lead
async def lead_canned_remove(request, number: int):
    try:
        await asyncio.to_thread(services_of(request).desk.canned.remove, number, request.ctx.advisor.username)
    except CannedReplyError as refused:
        return await canned_page(request, status=404, error=str(refused))
    return response.redirect(CANNED, status=303)


def figures_of(request):
    return services_of(request).desk.figures


def chosen_period(request):
    per = request.args.get("per", "dag")
    if per not in PERIODS:
        raise FiguresError("Kies per dag of per week.")
    first, last = period_range(request.args.get("van"), request.args.get("tot"), figures_of(request).today())
    return first, last, per


@lead_pages.get(FIGURES)
@lead
async def lead_figures(request):
    pages, targets = pages_of(request), services_of(request).desk.levels.describe()
    try:
        first, last, per = chosen_period(request)
    except FiguresError as refused:
        return pages.page(request, "figures.html", status=400, error=str(refused), rows=[], columns=COLUMNS,
                          first="", last="", per="dag", targets=targets)  # fmt: skip
    rows = await asyncio.to_thread(figures_of(request).rows, first, last, PERIODS[per])
    return pages.page(request, "figures.html", rows=rows, columns=COLUMNS, first=first, last=last, per=per,
                      targets=targets, error=None)  # fmt: skip


@lead_pages.get(f"{FIGURES}.csv")
@lead
async def lead_figures_csv(request):
    try:
        first, last, per = chosen_period(request)
    except FiguresError as refused:
        return response.text(str(refused), status=400)
    text = await asyncio.to_thread(figures_of(request).csv, first, last, PERIODS[per])
    name = f"escalaties-{first}-{last}-per-{per}.csv"
    return response.text(text, content_type="text/csv; charset=utf-8",
                         headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
