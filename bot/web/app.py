"""The web app: the chat page professionals use, the embeddable widget, and the
article pages its answers link to, and the pages behind a login for advisors, leads and maintainers.

The widget talks to the Rasa server over socket.io; this app serves the page,
the widget's files, the articles, and stores "Was dit nuttig?" ratings and the rating
after a live chat. Each area is a blueprint of short module-level handlers; they find the
services (bot/services.py), the settings and the page templates on `app.ctx`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sanic import Sanic, response

from bot.config import Settings
from bot.daily import every_day
from bot.feedback.live_route import PATH as LIVE_RATING
from bot.feedback.live_route import register_live_rating_route
from bot.feedback.route import register_feedback_routes
from bot.services import Services, build_services
from bot.store.retry import StoreUnavailable
from bot.web.advisors import advisors
from bot.web.api import api
from bot.web.auth import auth, private_pages
from bot.web.escalation_steps import escalation_steps
from bot.web.insights import insight_pages
from bot.web.knowledge_pages import knowledge_pages
from bot.web.lead import lead_pages
from bot.web.maintainer_models import model_pages
from bot.web.maintainers import Maintenance, maintainer_pages
from bot.web.organisations import organisation_pages
from bot.web.pages import Pages
from bot.web.public import public
from bot.web.public_page import page_templates
from bot.web.static_files import register_static

HERE = Path(__file__).parent
JSON_PATHS = ("/feedback", LIVE_RATING, "/api/")
RATING_PATHS = ("/feedback", LIVE_RATING)  # called by the widget from an allow-listed site
BLUEPRINTS = (public, knowledge_pages, organisation_pages, auth, advisors, escalation_steps, api, lead_pages,
              maintainer_pages, model_pages, insight_pages)  # fmt: skip
log = logging.getLogger(__name__)


def create_app(
    settings: Settings, services: Services, name: str = "jep_web", maintenance: Maintenance | None = None
) -> Sanic:
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "html"
    app.ctx.settings, app.ctx.services = settings, services
    app.ctx.templates, app.ctx.pages = page_templates(), Pages.build(settings)
    app.ctx.maintenance = maintenance or Maintenance()
    register_static(app, "/static", HERE / "static")
    app.register_middleware(security_headers(settings), "response")
    app.register_middleware(private_pages, "response")
    app.exception(StoreUnavailable)(store_locked)
    register_feedback_routes(app, settings, services.feedback)
    register_live_rating_route(app, settings, services.live_ratings)
    for blueprint in BLUEPRINTS:
        app.blueprint(blueprint)
    return app


def security_headers(settings: Settings):
    allowed = set(settings.allowed_origins)
    socket_origins = " ".join([settings.public_rasa_url, settings.public_rasa_url.replace("http", "ws", 1)])
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {socket_origins}; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
    )

    async def add_headers(request, reply):
        reply.headers.setdefault("Content-Security-Policy", policy)
        reply.headers.setdefault("X-Content-Type-Options", "nosniff")
        reply.headers.setdefault("Referrer-Policy", "same-origin")
        origin = request.headers.get("origin")
        if request.path in RATING_PATHS and origin in allowed:
            reply.headers["Access-Control-Allow-Origin"] = origin
            reply.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            reply.headers["Access-Control-Allow-Headers"] = "Content-Type"
            reply.headers["Vary"] = "Origin"

    return add_headers


async def store_locked(request, _error):
    # A write that waited out every retry (bot/store/retry.py): nothing was stored, so it can simply be sent again.
    reply = "Dit kon nu niet worden opgeslagen. Probeer het over een paar seconden opnieuw."
    wants_json = request.path.startswith(JSON_PATHS) or "json" in (request.headers.get("accept") or "")
    if wants_json:
        return response.json({"error": reply}, status=503, headers={"Retry-After": "5"})
    return response.text(reply, status=503, headers={"Retry-After": "5"})


def serve(settings: Settings) -> int:
    services = build_services(settings)
    app = create_app(settings, services)
    app.add_task(every_day(services.retention.purge, "privacy purge"))
    app.add_task(every_day(services.insights.update, "insights rollup"))
    app.run(host=settings.host, port=settings.web_port, access_log=False, motd=False, workers=1)
    return 0
