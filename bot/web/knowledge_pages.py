"""The knowledge base's pages: /kennis (search with filters, or every article by topic) and an article."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from sanic import Blueprint

from bot.knowledge import browse
from bot.knowledge.service import KnowledgeService
from bot.web.highlight import highlight
from bot.web.pages import services_of
from bot.web.public_page import page
from bot.web.render import article_html

ITEM_ID = re.compile(r"[a-z0-9-]{1,100}")  # the loader's id pattern, and a length no file name exceeds


async def known(find, item_id: str):
    """The article or provider with this id, or None; a string that cannot be an id is never looked up."""
    return await asyncio.to_thread(find, item_id) if ITEM_ID.fullmatch(item_id) else None
NOT_FOUND = "Dit artikel bestaat niet (meer)."


def search_page(knowledge: KnowledgeService, arg: Callable[[str], str | None]) -> dict:
    """What /kennis shows for its query parameters (`arg` reads one): results, or every article by topic."""
    found = browse.search(knowledge, arg("q"), arg("onderwerp"), arg("werkveld"))
    topics = knowledge.topics()
    groups = [(t, [a for a in found.items if a.topics[0] == t["id"]]) for t in topics]
    return {
        "search": found,
        "topics": topics,
        "audiences": knowledge.audiences(),
        "highlight": highlight,
        "groups": [(topic, items) for topic, items in groups if items],
    }


knowledge_pages = Blueprint("knowledge")


@knowledge_pages.get("/kennis")
async def knowledge_base(request):
    # Searching and the store are blocking: keep them off the event loop.
    context = await asyncio.to_thread(search_page, services_of(request).knowledge, request.args.get)
    return page(request, "topics.html", **context)


@knowledge_pages.get("/kennis/<article_id>")
async def article(request, article_id: str):
    knowledge = services_of(request).knowledge
    item = await known(knowledge.article, article_id)
    if item is None:
        return page(request, "not_found.html", status=404, message=NOT_FOUND)
    related, topics = await asyncio.to_thread(lambda: (browse.related(knowledge, item), knowledge.topics()))
    labels = {t["id"]: t["label"] for t in topics}
    body = article_html(item.body)
    return page(request, "article.html", article=item, body=body, labels=labels, related=related)
