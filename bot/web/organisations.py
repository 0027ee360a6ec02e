"""Wie doet wat: /organisaties (every provider, with filters) and a page per provider."""

from __future__ import annotations

import asyncio

from sanic import Blueprint

from bot.knowledge import directory
from bot.knowledge.regions import load_regions
from bot.web.knowledge_pages import known
from bot.web.pages import services_of
from bot.web.public_page import page
from bot.web.render import tel_href

NOT_FOUND = "Deze organisatie staat niet (meer) in het overzicht."


organisation_pages = Blueprint("organisations")


@organisation_pages.get("/organisaties")
async def organisations(request):
    args, knowledge = request.args, services_of(request).knowledge

    def search():
        regions = load_regions()
        found = directory.search(
            knowledge, regions, args.get("onderwerp"), args.get("werkveld"), args.get("aanbod"), args.get("regio")
        )
        return found, regions.grouped(), knowledge.topics(), knowledge.audiences()

    found, places, topics, audiences = await asyncio.to_thread(search)
    return page(
        request, "organisations.html", search=found, places=places, topics=topics, audiences=audiences,
        **_labels(topics, audiences), tel_href=tel_href,
    )  # fmt: skip


@organisation_pages.get("/organisaties/<provider_id>")
async def organisation(request, provider_id: str):
    knowledge = services_of(request).knowledge
    item = await known(knowledge.provider, provider_id)
    if item is None:
        return page(request, "not_found.html", status=404, message=NOT_FOUND)
    topics, audiences = await asyncio.to_thread(lambda: (knowledge.topics(), knowledge.audiences()))
    return page(request, "organisation.html", provider=item, tel_href=tel_href, **_labels(topics, audiences))


def _labels(topics: list[dict], audiences: list[dict]) -> dict[str, dict[str, str]]:
    return {
        "topic_labels": {t["id"]: t["label"] for t in topics},
        "audience_labels": {a["id"]: a["label"] for a in audiences},
    }
