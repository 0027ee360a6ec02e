"""The pages anyone may open: the chat page professionals use, and the health check.
The knowledge base's pages are in knowledge_pages.py, the providers' in organisations.py."""

from __future__ import annotations

from sanic import Blueprint, response

from bot.web.knowledge_pages import known
from bot.web.pages import services_of, settings_of
from bot.web.public_page import page

public = Blueprint("public")


@public.get("/")
async def chat(request):
    # /?over=<article id>: "Vraag de assistent hierover" on an article page.
    about = request.args.get("over", "")
    knowledge = services_of(request).knowledge
    article = await known(knowledge.article, about)
    return page(request, "chat.html", rasa_url=settings_of(request).public_rasa_url, about=article)


@public.get("/health")
async def health(request):
    return response.json({"status": "ok"})
