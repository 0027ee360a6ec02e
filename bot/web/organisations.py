"""Wie doet wat: /organisaties (every provider, with filters) and a page per provider."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sanic import Sanic, response

from bot.knowledge import directory
from bot.knowledge.regions import load_regions
from bot.knowledge.service import KnowledgeService
from bot.web.knowledge_pages import ITEM_ID
from bot.web.render import tel_href

NOT_FOUND = "Deze organisatie staat niet (meer) in het overzicht."


def register_organisation_pages(app: Sanic, knowledge: KnowledgeService, page: Callable[..., response.HTTPResponse]):
    @app.get("/organisaties")
    async def organisations(request):
        args = request.args

        def search():
            regions = load_regions()
            found = directory.search(
                knowledge, regions, args.get("onderwerp"), args.get("werkveld"), args.get("aanbod"), args.get("regio")
            )
            return found, regions.grouped(), knowledge.topics(), knowledge.audiences()

        found, places, topics, audiences = await asyncio.to_thread(search)
        return page(
            "organisations.html", search=found, places=places, topics=topics, audiences=audiences,
            **_labels(topics, audiences), tel_href=tel_href,
        )  # fmt: skip

    @app.get("/organisaties/<provider_id>")
    async def organisation(request, provider_id: str):
        item = await asyncio.to_thread(knowledge.provider, provider_id) if ITEM_ID.fullmatch(provider_id) else None
        if item is None:
            return page("not_found.html", status=404, message=NOT_FOUND)
        topics, audiences = await asyncio.to_thread(lambda: (knowledge.topics(), knowledge.audiences()))
        return page("organisation.html", provider=item, tel_href=tel_href, **_labels(topics, audiences))


def _labels(topics: list[dict], audiences: list[dict]) -> dict[str, dict[str, str]]:
    return {
        "topic_labels": {t["id"]: t["label"] for t in topics},
        "audience_labels": {a["id"]: a["label"] for a in audiences},
    }
