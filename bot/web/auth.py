"""Who may see the pages behind a login: the login itself, server-side sessions
(bot/advisors/sessions.py) behind an HttpOnly, SameSite=Strict cookie, the role each page needs,
and the session's CSRF token on every form that changes something."""

from __future__ import annotations

import asyncio
import hmac
import math
import re
from functools import wraps
from urllib.parse import parse_qs, urlencode

from sanic import Blueprint, response
from sanic.request import RequestParameters

from bot.advisors.accounts import ANALYST, LEAD, ROLES
from bot.advisors.sessions import ABSOLUTE
from bot.advisors.throttle import LoginThrottled
from bot.client_address import client_address
from bot.web.pages import pages_of, refuse, services_of, settings_of

COOKIE = "jep_adviseur"
LOGIN = "/adviseurs/login"
RETURN_PATH = re.compile(r"/(adviseurs|beheer)(/[A-Za-z0-9_.-]+)*")
INBOX_ROLES = ("advisor", LEAD, "maintainer")
PRIVATE_PATHS = ("/adviseurs", "/api/escalations", "/beheer")
INSIGHTS = "/beheer/inzicht"

auth = Blueprint("auth")


def authenticate(request):
    """The active session of the request's cookie, or None; a signed-in advisor counts as seen."""
    services = services_of(request)
    active = services.sessions.lookup(request.cookies.get(COOKIE))
    if active is not None:
        services.accounts.mark_seen(active.username)
    return active


def require_role(*roles: str, api: bool = False):
    """For handlers behind a login: no session → the login page (401 for the API), another
    role → 403, a POST without this session's CSRF token → 403. Sets request.ctx.advisor."""

    def decorate(handler):
        @wraps(handler)
        async def wrapper(request, *args, **kwargs):
            active = await asyncio.to_thread(authenticate, request)
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


signed_in = require_role(*INBOX_ROLES)
api_signed_in = require_role(*INBOX_ROLES, api=True)


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


def after_login(path: str | None, role: str | None = None) -> str:
    """Where the login sends someone: the page they asked for, if it is one of ours, else the inbox;
    an analyst only to the insights, the one page that role may see."""
    # Only our own pages, spelled plainly: never another site ("//elders.example") or a trick path.
    plain = bool(path) and RETURN_PATH.fullmatch(path) is not None and ".." not in path and path != LOGIN
    if role == ANALYST:
        return path if plain and path.startswith(INSIGHTS) else INSIGHTS
    return path if plain else "/adviseurs"


def cross_site(request) -> bool:
    """A browser form posted from another site (login has no session yet, so no CSRF token)."""
    origin = request.headers.get("origin")
    return bool(origin) and origin != f"{request.scheme}://{request.host}"


def wait_in_words(seconds: int) -> str:
    if seconds == 1:
        return "1 seconde"
    return f"{seconds} seconden" if seconds < 120 else f"{math.ceil(seconds / 60)} minuten"


async def private_pages(request, reply):
    # What advisors and maintainers see is about real people: never keep it in a browser or proxy cache.
    if request.path.startswith(PRIVATE_PATHS):
        reply.headers["Cache-Control"] = "no-store"


@auth.get(LOGIN)
async def advisors_login_form(request):
    back = after_login(request.args.get("volgende"))
    active = await asyncio.to_thread(services_of(request).sessions.lookup, request.cookies.get(COOKIE))
    if active:
        return response.redirect(after_login(request.args.get("volgende"), active.role), status=303)
    return pages_of(request).page(request, "login.html", back=back)


@auth.post(LOGIN)
async def advisors_login(request):
    if cross_site(request):
        return refuse(request, 403, "Inloggen kan alleen vanaf deze website.")
    services, pages = services_of(request), pages_of(request)
    username = posted_form(request).get("username") or ""
    back = after_login(request.form.get("volgende"))
    address = client_address(request.remote_addr or request.ip, request.headers.get("x-forwarded-for"),
                              settings_of(request).trusted_proxies)  # fmt: skip
    # Unknown and known names take the same path and get the same answers, in the same time.
    try:
        account = await asyncio.to_thread(services.accounts.login, username, request.form.get("password") or "",
                                          address)  # fmt: skip
    except LoginThrottled as wait:
        message = (
            "Er is te vaak geprobeerd in te loggen. "
            f"Wacht {wait_in_words(wait.seconds)} en probeer het dan opnieuw."
        )
        reply = pages.page(request, "login.html", status=429, error=message, username=username, back=back)
        reply.headers["Retry-After"] = str(wait.seconds)
        return reply
    if account is None:
        message = "De gebruikersnaam of het wachtwoord klopt niet."
        return pages.page(request, "login.html", status=401, error=message, username=username, back=back)
    await asyncio.to_thread(services.sessions.end, request.cookies.get(COOKIE))
    token, _ = await asyncio.to_thread(services.sessions.create, account.username)
    reply = response.redirect(after_login(request.form.get("volgende"), account.role), status=303)
    set_cookie(request, reply, token, int(ABSOLUTE.total_seconds()))
    return reply


@auth.post("/adviseurs/logout")
@require_role(*ROLES)
async def advisors_logout(request):
    await asyncio.to_thread(services_of(request).sessions.end, request.cookies.get(COOKIE))
    reply = response.redirect(LOGIN, status=303)
    set_cookie(request, reply, "", 0)
    return reply
