"""The web app: the chat page professionals use, and the article pages it links to.

The chat page talks to this app only; the app forwards messages to Rasa's
REST channel, so the browser never needs to reach the Rasa server itself.
"""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.exceptions import NotFound

from bot.config import Settings
from bot.services import Services, build_services
from bot.web.render import article_html

HERE = Path(__file__).parent
MAX_MESSAGE = 1000
log = logging.getLogger(__name__)


def create_app(settings: Settings, services: Services, name: str = "jep_web") -> Sanic:
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "html"
    templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    app.static("/static", str(HERE / "static"))
    rasa_webhook = f"{settings.rasa_url}/webhooks/rest/webhook"

    def page(template: str, status: int = 200, **context) -> response.HTTPResponse:
        return response.html(templates.get_template(template).render(**context), status=status)

    @app.get("/")
    async def chat(request):
        return page("chat.html")

    @app.get("/health")
    async def health(request):
        return response.json({"status": "ok"})

    @app.post("/chat")
    async def send(request):
        body = request.json if isinstance(request.json, dict) else {}
        sender, message = str(body.get("sender") or ""), str(body.get("message") or "")
        if not sender or not message.strip():
            return response.json({"error": "Geen bericht ontvangen."}, status=400)
        if len(message) > MAX_MESSAGE:
            return response.json({"error": f"Je bericht is te lang (meer dan {MAX_MESSAGE} tekens)."}, status=413)
        try:
            timeout = aiohttp.ClientTimeout(total=60)
            async with aiohttp.ClientSession(timeout=timeout) as client:
                async with client.post(rasa_webhook, json={"sender": sender, "message": message}) as reply:
                    reply.raise_for_status()
                    return response.json(await reply.json())
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Rasa server not reachable: %s", type(error).__name__)
            return response.json({"error": "De assistent is even niet bereikbaar. Probeer het zo opnieuw."}, status=502)

    @app.get("/kennis")
    async def articles_by_topic(request):
        catalogue = services.knowledge.catalogue()
        topics = services.knowledge.topics()
        groups = [
            (
                topic,
                sorted(
                    (a for a in catalogue.articles.values() if a["topics"][0] == topic["id"]), key=lambda a: a["title"]
                ),
            )
            for topic in topics
        ]
        return page("topics.html", groups=groups)

    @app.get("/kennis/<article_id>")
    async def article(request, article_id: str):
        item = services.knowledge.article(article_id)
        if item is None:
            raise NotFound("Dit artikel bestaat niet (meer).")
        labels = {t["id"]: t["label"] for t in services.knowledge.topics()}
        return page("article.html", article=item, body=article_html(item["body"]), labels=labels)

    return app


def serve(settings: Settings) -> int:
    app = create_app(settings, build_services(settings))
    app.run(host=settings.host, port=settings.web_port, access_log=False, motd=False, workers=1)
    return 0
