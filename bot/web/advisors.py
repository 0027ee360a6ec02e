"""The advisors' web app: login, the inbox of escalations, one escalation with its handoff
summary and transcript, and a JSON API for both. The steps on an escalation besides claiming,
noting, closing and replying are in escalation_steps.py; the lead advisors' pages in lead.py.

Authentication is a server-side session (bot/advisors/sessions.py) behind an
HttpOnly, SameSite=Strict cookie. Every form that changes something carries the
session's CSRF token. Every opened escalation is written to the audit log.
"""

from __future__ import annotations

import asyncio
import hmac
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.request import RequestParameters

from bot.advisors.accounts import LEAD, AccountService
from bot.advisors.audit import describe
from bot.advisors.live_chat import NothingToSay
from bot.advisors.sessions import ABSOLUTE, SessionStore
from bot.advisors.throttle import LoginThrottled
from bot.client_address import client_address
from bot.config import Settings
from bot.escalation.callbacks_log import OUTCOMES
from bot.escalation.inbox_rows import VIEWS, SearchError
from bot.escalation.lifecycle import NotHolder, TransitionError, UnknownTicket, may_finish
from bot.escalation.relay import RelayError
from bot.services import Services

COOKIE = "jep_adviseur"
LOGIN = "/adviseurs/login"
RETURN_PATH = re.compile(r"/(adviseurs|beheer)(/[A-Za-z0-9_.-]+)*")
INBOX_ROLES = ("advisor", LEAD, "maintainer")
REASONS = {
    "acute": "Acuut gevaar",
    "user_request": "Vraagt om een adviseur",
    "low_confidence": "Assistent begreep de vraag niet",
    "complex_case": "Complexe casus",
    "negative_feedback": "Niet geholpen met het antwoord",
}
MODES = {"phone": "Belt de Advieslijn", "callback": "Wil teruggebeld worden", "live": "Wacht in de chat"}
WHO = {"professional": "Professional", "assistant": "Assistent", "adviseur": "Adviseur"}
PAYLOADS = {"articles": "artikelen", "providers": "organisaties", "escalation": "doorverwijzing"}
SERVICE_LEVEL = {"overdue": "Over de servicenorm", "within": "Binnen de servicenorm", "pending": ""}


def duration_in_words(seconds: int) -> str:
    """A waiting time as an advisor reads it at a glance: '4 min', '2 u 5 min', '3 d 4 u'."""
    minutes = max(0, seconds) // 60
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60} u {minutes % 60} min"
    return f"{minutes // (24 * 60)} d {minutes // 60 % 24} u"


@dataclass(frozen=True)
class AdvisorContext:
    sessions: SessionStore
    accounts: AccountService
    templates: Environment
    zone: ZoneInfo

    def authenticate(self, token: str | None):
        active = self.sessions.lookup(token)
        if active is not None:
            self.accounts.mark_seen(active.username)
        return active

    def local(self, moment: str | None) -> str:
        return datetime.fromisoformat(moment).astimezone(self.zone).strftime("%d-%m-%Y %H:%M") if moment else ""

    def local_utc(self, moment: datetime | None) -> str:
        """A time as the store keeps it: naive, in UTC."""
        return self.local(moment.replace(tzinfo=timezone.utc).isoformat()) if moment else ""

    def present(self, item: dict) -> dict:
        """An escalation with the words the inbox shows, so page and script say the same."""
        holder = f"In behandeling bij {item['claimed_by']} sinds {self.local(item['claimed_at'])}"
        status = {"open": "Wacht op een adviseur", "claimed": holder, "closed": "Gesloten"}
        waiting = item.get("waiting_seconds")
        return {
            **item,
            "reason_label": REASONS.get(item["reason"], item["reason"]),
            "mode_label": MODES.get(item["mode"], item["mode"]),
            "moment_label": f"gewenst: {item['callback_moment']}" if item.get("callback_moment") else "",
            "next_attempt_label": self.local(item.get("next_attempt_at")),
            "status_label": status.get(item["status"], item["status"]),
            "created_label": self.local(item["created_at"]),
            "waiting_label": duration_in_words(waiting) if waiting is not None else "",
            "service_level_label": SERVICE_LEVEL.get(item.get("service_level") or "pending", ""),
        }

    def page(self, request, template: str, status: int = 200, **context) -> response.HTTPResponse:
        return self.render(request, f"advisors/{template}", status, **context)

    def render(self, request, path: str, status: int = 200, **context) -> response.HTTPResponse:
        """Any template under bot/web/templates, with the signed-in account for the layout."""
        advisor = getattr(request.ctx, "advisor", None)
        return response.html(self.templates.get_template(path).render(advisor=advisor, **context), status=status)


def require_role(*roles: str, api: bool = False):
    """For handlers behind a login: no session → the login page (401 for the API), another
    role → 403, a POST without this session's CSRF token → 403. Sets request.ctx.advisor."""

    def decorate(handler):
        @wraps(handler)
        async def wrapper(request, *args, **kwargs):
            context: AdvisorContext = request.app.ctx.advisors
            active = await asyncio.to_thread(context.authenticate, request.cookies.get(COOKIE))
            if active is None:
                if api:
                    return response.json({"error": "Log eerst in."}, status=401)
                back = {"volgende": request.path} if request.method == "GET" else {}
                return response.redirect(f"{LOGIN}?{urlencode(back)}" if back else LOGIN, status=303)
            if active.role not in roles:
                return refuse(request, 403, "Je hebt geen toegang tot deze pagina.", api)
            if request.method == "POST":
                sent = posted_form(request).get("csrf") or ""
                if not hmac.compare_digest(sent.encode(), active.csrf_token.encode()):
                    return refuse(
                        request, 403, "Dit formulier is verlopen. Laad de pagina opnieuw en probeer het nog eens."
                    )
            request.ctx.advisor = active
            return await handler(request, *args, **kwargs)

        return wrapper

    return decorate


def posted_form(request) -> RequestParameters:
    """The posted form, parsed once; every form of ours is sent URL-encoded in UTF-8, so any other
    body counts as an empty form (and is refused by the CSRF check) instead of a traceback in the log."""
    if request.parsed_form is None:
        kind = (request.content_type or "").split(";")[0].strip().lower()
        try:
            text = request.body.decode("utf-8") if kind == "application/x-www-form-urlencoded" else ""
        except UnicodeDecodeError:
            text = ""
        request.parsed_form, request.parsed_files = RequestParameters(parse_qs(text)), RequestParameters()
    return request.parsed_form


def refuse(request, status: int, message: str, api: bool = False) -> response.HTTPResponse:
    if api:
        return response.json({"error": message}, status=status)
    return request.app.ctx.advisors.page(request, "message.html", status=status, message=message)


def set_cookie(request, reply: response.HTTPResponse, value: str, max_age: int) -> None:
    reply.cookies[COOKIE] = value
    cookie = reply.cookies[COOKIE]
    cookie["path"] = "/"
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["max-age"] = max_age
    # Secure only over https: clients drop a Secure cookie sent over plain http, which would make
    # logging in on http://localhost impossible. Behind a TLS proxy, configure Sanic's forwarded
    # headers (FORWARDED_SECRET or PROXIES_COUNT) so request.scheme says https.
    if request.scheme == "https":
        cookie["secure"] = True


def after_login(path: str | None) -> str:
    """Where the login sends someone: the page they asked for, if it is one of ours, else the inbox."""
    # Only our own pages, spelled plainly: never another site ("//elders.example") or a trick path.
    if path and RETURN_PATH.fullmatch(path) and ".." not in path and path != LOGIN:
        return path
    return "/adviseurs"


def cross_site(request) -> bool:
    """A browser form posted from another site (login has no session yet, so no CSRF token)."""
    origin = request.headers.get("origin")
    return bool(origin) and origin != f"{request.scheme}://{request.host}"


def wait_in_words(seconds: int) -> str:
    if seconds == 1:
        return "1 seconde"
    return f"{seconds} seconden" if seconds < 120 else f"{math.ceil(seconds / 60)} minuten"


def register_advisor_routes(app: Sanic, settings: Settings, services: Services) -> None:
    inbox, accounts, desk, live_chat = services.inbox, services.accounts, services.desk, services.live_chat
    templates = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(["html"])
    )
    context = AdvisorContext(services.sessions, accounts, templates, ZoneInfo(settings.timezone))
    templates.filters["local"] = context.local
    templates.filters["local_utc"] = context.local_utc
    app.ctx.advisors = context
    audit = desk.audit
    signed_in = require_role(*INBOX_ROLES)
    api_signed_in = require_role(*INBOX_ROLES, api=True)

    @app.middleware("response")
    async def advisors_private(request, reply):
        # What advisors and maintainers see is about real people: never keep it in a browser or proxy cache.
        if request.path.startswith(("/adviseurs", "/api/escalations", "/beheer")):
            reply.headers["Cache-Control"] = "no-store"

    @app.get(LOGIN)
    async def advisors_login_form(request):
        back = after_login(request.args.get("volgende"))
        if await asyncio.to_thread(context.sessions.lookup, request.cookies.get(COOKIE)):
            return response.redirect(back, status=303)
        return context.page(request, "login.html", back=back)

    @app.post(LOGIN)
    async def advisors_login(request):
        if cross_site(request):
            return refuse(request, 403, "Inloggen kan alleen vanaf deze website.")
        username = posted_form(request).get("username") or ""
        back = after_login(request.form.get("volgende"))
        address = client_address(request.remote_addr or request.ip, request.headers.get("x-forwarded-for"),
                                  settings.trusted_proxies)  # fmt: skip
        # Unknown and known names take the same path and get the same answers, in the same time.
        try:
            account = await asyncio.to_thread(accounts.login, username, request.form.get("password") or "", address)
        except LoginThrottled as wait:
            message = (
                "Er is te vaak geprobeerd in te loggen. "
                f"Wacht {wait_in_words(wait.seconds)} en probeer het dan opnieuw."
            )
            reply = context.page(request, "login.html", status=429, error=message, username=username, back=back)
            reply.headers["Retry-After"] = str(wait.seconds)
            return reply
        if account is None:
            message = "De gebruikersnaam of het wachtwoord klopt niet."
            return context.page(request, "login.html", status=401, error=message, username=username, back=back)
        await asyncio.to_thread(context.sessions.end, request.cookies.get(COOKIE))
        token, _ = await asyncio.to_thread(context.sessions.create, account.username)
        reply = response.redirect(back, status=303)
        set_cookie(request, reply, token, int(ABSOLUTE.total_seconds()))
        return reply

    @app.post("/adviseurs/logout")
    @signed_in
    async def advisors_logout(request):
        await asyncio.to_thread(context.sessions.end, request.cookies.get(COOKIE))
        reply = response.redirect(LOGIN, status=303)
        set_cookie(request, reply, "", 0)
        return reply

    def overview(request) -> dict:
        """The inbox of one view (?filter=) or search (?ticket=), with the counts and the waiting
        escalations the page title, the banner and the notifications are about."""
        view = request.args.get("filter", "open")
        view = view if view in VIEWS else "open"
        search = (request.args.get("ticket") or "").strip()
        everything_open = desk.rows.rows("open")
        error, items = None, everything_open
        if search or view != "open":
            try:
                items = desk.rows.rows(view, request.ctx.advisor.username, search)
            except SearchError as refused:
                error, items = str(refused), []
        waiting = [context.present(i) for i in everything_open if i["status"] == "open"]
        return {
            "view": view, "search": search, "error": error, "items": [context.present(i) for i in items],
            "counts": desk.rows.counts(everything_open),
            "waiting": [{key: i[key] for key in ("ticket", "acute", "mode", "mode_label", "reason_label")}
                        for i in waiting],
            "online": [a.username for a in accounts.online_advisors()],
        }  # fmt: skip

    @app.get("/adviseurs")
    @signed_in
    async def advisors_inbox(request):
        data = await asyncio.to_thread(overview, request)
        return context.page(request, "inbox.html", status=400 if data["error"] else 200, views=VIEWS, **data)

    @app.get("/api/escalations")
    @api_signed_in
    async def advisors_api_list(request):
        data = await asyncio.to_thread(overview, request)
        return response.json(data, status=400 if data["error"] else 200)

    async def opened(request, ticket: str, via: str) -> dict | None:
        """The escalation with its transcript, written to the audit log; None if it does not exist."""

        def load() -> dict:
            item = inbox.get(ticket)
            item["handoff"] = desk.handoff.summary(item)
            item["attempts"] = desk.callbacks.attempts(ticket)
            item["transcript"] = inbox.transcript(item["conversation_id"])
            audit.opened(request.ctx.advisor.username, ticket, via)
            return item

        try:
            return context.present(await asyncio.to_thread(load))
        except UnknownTicket:
            return None

    async def detail_page(request, ticket: str, error: str | None = None, status: int = 409):
        item = await opened(request, ticket, "page")
        if item is None:
            return refuse(request, 404, f"Escalatie {ticket} bestaat niet (meer).")
        advisor = request.ctx.advisor

        def extras() -> dict:
            colleagues = [a.username for a in accounts.all() if not a.disabled and a.username != item["claimed_by"]]
            history = [(entry, describe(entry)) for entry in audit.actions(ticket=ticket)]
            return {"colleagues": colleagues, "history": history, "canned": desk.canned.all()}

        return context.page(
            request, "escalation.html", status=status if error else 200, item=item, who=WHO, payloads=PAYLOADS,
            error=error, may_finish=may_finish(item, advisor.username, advisor.role == LEAD), outcomes=OUTCOMES,
            waiting=duration_in_words(item["handoff"]["waiting_seconds"]), reasons=REASONS,
            **await asyncio.to_thread(extras),
        )  # fmt: skip

    @app.get("/adviseurs/escalaties/<ticket>")
    @signed_in
    async def advisors_escalation(request, ticket: str):
        return await detail_page(request, ticket)

    @app.get("/adviseurs/escalaties/<ticket>/gesprek")
    @api_signed_in
    async def advisors_live_transcript(request, ticket: str):
        """The transcript for a live chat's page to refresh itself, and whether the professional is
        typing; opening the page was audited already."""
        try:
            item = await asyncio.to_thread(inbox.get, ticket)
        except UnknownTicket:
            return response.json({"error": f"Escalatie {ticket} bestaat niet (meer)."}, status=404)
        lines = await asyncio.to_thread(inbox.transcript, item["conversation_id"])
        live = item["mode"] == "live" and item["status"] != "closed"
        typing = live and await asyncio.to_thread(live_chat.typing, item["conversation_id"])
        return response.json({
            "lines": [{"who": line["who"], "label": f"{WHO[line['who']]}, {context.local(line['time'])}",
                       "text": line["text"]} for line in lines],
            "typing": typing,
        })  # fmt: skip

    @app.get("/api/escalations/<ticket>")
    @api_signed_in
    async def advisors_api_escalation(request, ticket: str):
        item = await opened(request, ticket, "api")
        if item is None:
            return response.json({"error": f"Escalatie {ticket} bestaat niet (meer)."}, status=404)
        return response.json(item)

    async def act(request, ticket: str, step, *args, anchor: str = "", **kwargs):
        try:
            await asyncio.to_thread(step, ticket, request.ctx.advisor.username, *args, **kwargs)
        except UnknownTicket as missing:
            return refuse(request, 404, str(missing))
        except NotHolder as refused:
            return await detail_page(request, ticket, error=str(refused), status=403)
        except (TransitionError, NothingToSay, RelayError) as error:
            return await detail_page(request, ticket, error=str(error))
        return response.redirect(f"/adviseurs/escalaties/{quote(ticket, safe='')}{anchor}", status=303)

    @app.post("/adviseurs/escalaties/<ticket>/claim")
    @signed_in
    async def advisors_claim(request, ticket: str):
        return await act(request, ticket, inbox.claim)

    @app.post("/adviseurs/escalaties/<ticket>/note")
    @signed_in
    async def advisors_note(request, ticket: str):
        return await act(request, ticket, inbox.add_note, request.form.get("text") or "")

    @app.post("/adviseurs/escalaties/<ticket>/close")
    @signed_in
    async def advisors_close(request, ticket: str):
        return await act(request, ticket, live_chat.close, lead=request.ctx.advisor.role == LEAD)

    @app.post("/adviseurs/escalaties/<ticket>/reply")
    @signed_in
    async def advisors_reply(request, ticket: str):
        """Live mode: the advisor's words, or a canned reply, go to the professional's open chat."""
        form = request.form
        return await act(request, ticket, live_chat.reply, form.get("text") or "", form.get("canned") or "",
                         lead=request.ctx.advisor.role == LEAD, anchor="#antwoord")  # fmt: skip

    app.ctx.escalation_step = act
