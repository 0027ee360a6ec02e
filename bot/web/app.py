"""The web app: the chat page professionals use, the embeddable widget, and the
article pages its answers link to; advisors.py and maintainers.py add the pages behind a login.

The widget talks to the Rasa server over socket.io; this app serves the page,
the widget's files, the articles, and stores "Was dit nuttig?" ratings and the rating
after a live chat.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response

from bot.config import Settings
from bot.feedback.live_route import PATH as LIVE_RATING
from bot.feedback.live_route import register_live_rating_route
from bot.feedback.route import register_feedback_routes
from bot.privacy.retention import Retention, purge_daily
from bot.services import Services, build_services
from bot.store.retry import StoreUnavailable
from bot.web.advisors import register_advisor_routes
from bot.web.escalation_steps import register_step_routes
from bot.web.knowledge_pages import ITEM_ID, register_knowledge_pages
from bot.web.lead import register_lead_routes
from bot.web.maintainers import Maintenance, register_maintainer_routes
from bot.web.organisations import register_organisation_pages
from bot.web.static_files import register_static

HERE = Path(__file__).parent
JSON_PATHS = ("/feedback", LIVE_RATING, "/api/")
RATING_PATHS = ("/feedback", LIVE_RATING)  # called by the widget from an allow-listed site
log = logging.getLogger(__name__)


def page_templates() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


def create_app(
    settings: Settings, services: Services, name: str = "jep_web", maintenance: Maintenance | None = None
) -> Sanic:
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "html"
    templates = page_templates()
    register_static(app, "/static", HERE / "static")
    allowed = set(settings.allowed_origins)
    socket_origins = " ".join([settings.rasa_url, settings.rasa_url.replace("http", "ws", 1)])
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {socket_origins}; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
    )

    def page(template: str, status: int = 200, **context) -> response.HTTPResponse:
        return response.html(templates.get_template(template).render(**context), status=status)

    @app.middleware("response")
    async def security_headers(request, reply):
        reply.headers.setdefault("Content-Security-Policy", policy)
        reply.headers.setdefault("X-Content-Type-Options", "nosniff")
        reply.headers.setdefault("Referrer-Policy", "same-origin")
        origin = request.headers.get("origin")
        if request.path in RATING_PATHS and origin in allowed:
            reply.headers["Access-Control-Allow-Origin"] = origin
            reply.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            reply.headers["Access-Control-Allow-Headers"] = "Content-Type"
            reply.headers["Vary"] = "Origin"

    @app.exception(StoreUnavailable)
    async def store_locked(request, _error):
        # A write that waited out every retry (bot/store/retry.py): nothing was stored, so it can simply be sent again.
        reply = "Dit kon nu niet worden opgeslagen. Probeer het over een paar seconden opnieuw."
        wants_json = request.path.startswith(JSON_PATHS) or "json" in (request.headers.get("accept") or "")
        if wants_json:
            return response.json({"error": reply}, status=503, headers={"Retry-After": "5"})
        return response.text(reply, status=503, headers={"Retry-After": "5"})

    @app.get("/")
    async def chat(request):
        # /?over=<article id>: "Vraag de assistent hierover" on an article page.
        about = request.args.get("over", "")
        article = await asyncio.to_thread(services.knowledge.article, about) if ITEM_ID.fullmatch(about) else None
        return page("chat.html", rasa_url=settings.rasa_url, about=article)

    @app.get("/health")
    async def health(request):
        return response.json({"status": "ok"})

    register_feedback_routes(app, settings, services.feedback)
    register_live_rating_route(app, settings, services.live_ratings)

    register_knowledge_pages(app, services.knowledge, page)
    register_organisation_pages(app, services.knowledge, page)

    register_advisor_routes(app, settings, services)
    register_step_routes(app, services.inbox, services.desk)
    register_lead_routes(app, services.accounts, services.desk)
    register_maintainer_routes(app, settings, services.review, maintenance)
    return app


def serve(settings: Settings) -> int:
    app = create_app(settings, build_services(settings))
    app.add_task(purge_daily(Retention.from_settings(settings)))
    app.run(host=settings.host, port=settings.web_port, access_log=False, motd=False, workers=1)
    return 0
