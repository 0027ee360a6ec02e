"""The maintainers' pages (role maintainer): the review queue and the questions that need an article,
doing what `python -m bot review ...` does (bot/cli/review.py). The models' pages are in
maintainer_models.py. Login, roles and CSRF are in auth.py.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sanic import Blueprint, response

from bot.store.words import ReviewStatus
from bot.training import annotate
from bot.training.retrain import REPORTS
from bot.training.retrain_job import RetrainJob
from bot.training.review import WHY
from bot.web.auth import require_role
from bot.web.maintainer_models import decimal
from bot.web.pages import pages_of, services_of

HOME = "/beheer"
LARGEST_ID = 2**63 - 1  # SQL's integer; a larger id in the path is no item, not an overflow
DECIDED = {ReviewStatus.ACCEPTED: "geaccepteerd", ReviewStatus.REJECTED: "afgewezen",
           ReviewStatus.NEEDS_ARTICLE: "op de lijst voor redacteuren"}  # fmt: skip
RETRAIN_NOTE = "Het model verandert pas na hertrainen."
# After a decision the queue page says what happened; the query names only the outcome and its facts.
DONE = {
    "toegevoegd": "Bericht {id} is toegevoegd als voorbeeld van {intent}. " + RETRAIN_NOTE,
    "nieuw": "Bericht {id} is toegevoegd als voorbeeld van de nieuwe intent {intent} (ook in domain.yml gezet). "
    "Zonder regel in data/rules/ en antwoord in domain.yml krijgt hij geen antwoord. " + RETRAIN_NOTE,
    "bestond": "Bericht {id} stond al in de trainingsdata (intent {intent}); niet opnieuw toegevoegd.",
    "afgewezen": "Bericht {id} is afgewezen.",
    "artikel": "Bericht {id} staat op de lijst voor redacteuren.",
}


@dataclass(frozen=True)
class Maintenance:
    """What the pages write to and run; tests point them at temporary copies and a stand-in command."""

    nlu_dir: Path = annotate.NLU_DIR
    domain: Path = annotate.DOMAIN
    reports: Path = REPORTS
    job: RetrainJob = field(default_factory=RetrainJob)


def notice(args) -> str | None:
    """The message for ?klaar=<outcome>&bericht=<id>[&intent=<name>]; nothing for anything else."""
    outcome, number, intent = args.get("klaar", ""), args.get("bericht", ""), args.get("intent", "")
    if outcome not in DONE or not number.isdigit():
        return None
    if "{intent}" in DONE[outcome] and not annotate.INTENT_NAME.match(intent):
        return None
    return DONE[outcome].format(id=number, intent=intent)


def intent_error(chosen: str, typed: str, known: list[str]) -> str | None:
    """What is wrong with the intent a maintainer picked (chosen) or typed; None if nothing."""
    intent = typed or chosen
    if not intent:
        return "Kies een intent of typ de naam van een nieuwe."
    if not annotate.INTENT_NAME.match(intent):
        return (f"'{intent}' is geen geldige intentnaam: gebruik kleine letters, cijfers en _, "
                f"begin met een letter, 2 tot 61 tekens.")  # fmt: skip
    if not typed and chosen not in known:
        return f"{chosen} staat niet in domain.yml; typ hem als nieuwe intent."
    return None


maintainer_pages = Blueprint("maintainers")
maintainer = require_role("maintainer")
# One decision at a time: an accept reads, changes and writes whole NLU files, and checks the item is open.
deciding = threading.Lock()


def maintenance_of(request) -> Maintenance:
    return request.app.ctx.maintenance


async def queue_page(request, status: int = 200, error: str | None = None, failed: int | None = None,
                     typed: str = "") -> response.HTTPResponse:  # fmt: skip
    queue, domain = services_of(request).review, maintenance_of(request).domain

    def load():
        queue.refresh()
        return queue.items(ReviewStatus.OPEN), annotate.domain_intents(domain)

    items, intents = await asyncio.to_thread(load)
    shown = [
        {
            "id": item.id, "text": item.text, "count": item.count, "predicted": item.predicted_intent or "?",
            "confidence": decimal(item.confidence, 2),
            "why": ", ".join(WHY.get(w, w) for w in item.why.split(", ") if w),
        }
        for item in items
    ]  # fmt: skip
    if failed not in {item["id"] for item in shown}:
        failed = None  # no longer open: the error goes above the list
    return pages_of(request).render(
        request, "maintainers/queue.html", status=status, items=shown, intents=intents,
        notice=None if error else notice(request.args), error=error, failed=failed, typed=typed,
    )  # fmt: skip


def done(outcome: str, item_id: int, intent: str = "") -> response.HTTPResponse:
    query = {"klaar": outcome, "bericht": item_id, **({"intent": intent} if intent else {})}
    return response.redirect(f"{HOME}?{urlencode(query)}", status=303)


def open_item(queue, item_id: int):
    if not 0 < item_id <= LARGEST_ID:
        raise LookupError(f"Bericht {item_id} staat niet in de reviewlijst.")
    item = queue.get(item_id)
    if item.status != ReviewStatus.OPEN:
        raise ValueError(f"Over bericht {item_id} is al beslist ({DECIDED.get(item.status, item.status)}).")
    return item


@maintainer_pages.get(HOME)
@maintainer
async def maintainers_queue(request):
    return await queue_page(request)


@maintainer_pages.post(f"{HOME}/review/<item_id:int>/accept")
@maintainer
async def maintainers_accept(request, item_id: int):
    chosen = (request.form.get("intent") or "").strip()
    typed = (request.form.get("new_intent") or "").strip()
    where, queue = maintenance_of(request), services_of(request).review
    known = await asyncio.to_thread(annotate.domain_intents, where.domain)
    error = intent_error(chosen, typed, known)
    if error:
        return await queue_page(request, 400, error, item_id, typed)
    intent, who = typed or chosen, request.ctx.advisor.username

    def accept() -> annotate.Added:
        with deciding:
            item = open_item(queue, item_id)
            added = annotate.add_example(item.text, intent, where.nlu_dir, where.domain)
            queue.decide(item_id, ReviewStatus.ACCEPTED, who, intent)
            return added

    try:
        added = await asyncio.to_thread(accept)
    except LookupError as missing:
        return await queue_page(request, 404, str(missing))
    except ValueError as problem:
        return await queue_page(request, 409, str(problem), item_id, typed)
    if not added.added:
        return done("bestond", item_id, added.existing_intent or "")
    return done("nieuw" if added.new_intent else "toegevoegd", item_id, intent)


async def decide(request, item_id: int, status: str, outcome: str):
    who, queue = request.ctx.advisor.username, services_of(request).review

    def decide_open() -> None:
        with deciding:
            open_item(queue, item_id)  # refused in the same words as accepting
            queue.decide(item_id, status, who)

    try:
        await asyncio.to_thread(decide_open)
    except LookupError as missing:
        return await queue_page(request, 404, str(missing))
    except ValueError as problem:
        return await queue_page(request, 409, str(problem))
    return done(outcome, item_id)


@maintainer_pages.post(f"{HOME}/review/<item_id:int>/reject")
@maintainer
async def maintainers_reject(request, item_id: int):
    return await decide(request, item_id, ReviewStatus.REJECTED, "afgewezen")


@maintainer_pages.post(f"{HOME}/review/<item_id:int>/article")
@maintainer
async def maintainers_article(request, item_id: int):
    return await decide(request, item_id, ReviewStatus.NEEDS_ARTICLE, "artikel")


@maintainer_pages.get(f"{HOME}/artikelen")
@maintainer
async def maintainers_articles(request):
    items = await asyncio.to_thread(services_of(request).review.items, ReviewStatus.NEEDS_ARTICLE)
    local_utc = pages_of(request).local_utc
    shown = [
        {"id": item.id, "text": item.text, "count": item.count, "decided_by": item.decided_by,
         "decided": local_utc(item.decided_at)}
        for item in items
    ]  # fmt: skip
    return pages_of(request).render(request, "maintainers/articles.html", items=shown)
