"""The insights page (/beheer/inzicht) for maintainers and analysts: the KPIs of a period with their
charts and tables, a CSV per table, and the gaps; a maintainer can put a gap on the editors' list.

Everything shown comes from bot/insights: aggregates with small numbers as "< 5" and redacted
examples, never a conversation or a ticket. Login, roles and CSRF are in auth.py.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from markupsafe import Markup
from sanic import Blueprint, response

from bot.advisors.accounts import ANALYST
from bot.config import ROOT
from bot.insights.charts import insight_charts
from bot.insights.clusters import GapClusters, GapReport
from bot.insights.csv_export import csv_name, table_csv
from bot.insights.editors import ask_for_article
from bot.insights.kpis import insights
from bot.insights.report_tables import ReportTable, cell_text
from bot.web.auth import INSIGHTS, require_role
from bot.web.pages import pages_of, refuse, services_of
from bot.web.render import report_html

ARTICLE_NEEDED = f"{INSIGHTS}/artikel-nodig"
DOCS = ROOT / "docs" / "insights.md"
PER = {"dag": "day", "week": "week"}
DEFAULT_DAYS = 28
MAX_DAYS = 2 * 366  # longer periods are what the CSV of two periods is for
UPDATE_EVERY = 60.0  # seconds: a page view catches up the rollup at most this often
CLUSTERS_FOR = 300.0  # seconds a period's clusters are kept: clustering is the page's slow part
KEEP_PERIODS = 8
log = logging.getLogger(__name__)

insight_pages = Blueprint("insights")
reader = require_role("maintainer", ANALYST)
maintainer = require_role("maintainer")


class PeriodError(ValueError):
    """A period the form cannot show; the message is Dutch."""


@dataclass(frozen=True)
class Period:
    since: date
    until: date
    per: str  # "dag" or "week", as the form says it

    def query(self, **more: str) -> str:
        return urlencode({"van": self.since.isoformat(), "tot": self.until.isoformat(), "per": self.per, **more})


def chosen_period(args, today: date) -> Period:
    """?van=&tot=&per= as a period; by default the last four weeks, per week."""
    per = args.get("per") or "week"
    if per not in PER:
        raise PeriodError("Kies per dag of per week.")
    try:
        until = date.fromisoformat(args.get("tot")) if args.get("tot") else today
        since = date.fromisoformat(args.get("van")) if args.get("van") else until - timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        raise PeriodError("Vul de datums in als JJJJ-MM-DD, bijvoorbeeld 2026-03-01.") from None
    if since > until:
        raise PeriodError("De begindatum ligt na de einddatum.")
    if (until - since).days >= MAX_DAYS:
        raise PeriodError("Kies een periode van hoogstens twee jaar.")
    return Period(since, until, per)


class InsightCache:
    """What the page keeps between views: when the rollup last caught up, and recent periods' clusters."""

    def __init__(self, services, embedder=None, clock=time.monotonic):
        self.rollup = services.insights
        self.gaps = GapClusters(services.factory, knowledge=services.knowledge, embedder=embedder)
        self.clock = clock
        self._updated: float | None = None
        self._lock = threading.Lock()
        self._clustering = threading.Lock()  # one at a time: each new gap is embedded once
        self._clusters: dict[tuple[date, date], tuple[float, GapReport]] = {}

    def catch_up(self) -> None:
        """Counts what came since the last view, at most once a minute; the page shows what there is if it fails."""
        with self._lock:
            if self._updated is not None and self.clock() - self._updated < UPDATE_EVERY:
                return
            self._updated = self.clock()
        try:
            self.rollup.update()
        except Exception:  # the figures so far are still right, only not the newest
            log.exception("inzicht: bijwerken van de dagcijfers mislukt")

    def clusters(self, since: date, until: date) -> GapReport:
        with self._clustering:
            kept = self._clusters.get((since, until))
            if kept is not None and self.clock() - kept[0] < CLUSTERS_FOR:
                return kept[1]
            report = self.gaps.clusters(since, until)
            if len(self._clusters) >= KEEP_PERIODS:
                self._clusters.pop(min(self._clusters, key=lambda k: self._clusters[k][0]))
            self._clusters[(since, until)] = (self.clock(), report)
            return report


def cache_of(request) -> InsightCache:
    # Made on first use, so an app without a page view never loads the embedding model; tests set their own.
    ctx = request.app.ctx
    if getattr(ctx, "insight_cache", None) is None:
        ctx.insight_cache = InsightCache(services_of(request))
    return ctx.insight_cache


def today(request) -> date:
    return datetime.now(pages_of(request).zone).date()


def shown_table(table: ReportTable) -> dict:
    """A table as the page writes it: every cell as text ("< 5", "12,5 %", "–")."""
    rows = [[cell_text(value, n in table.percent) for n, value in enumerate(row)] for row in table.rows]
    return {"name": table.name, "title": table.title, "columns": table.columns, "rows": rows}


def report(cache: InsightCache, factory, period: Period) -> dict:
    """Everything on the page for the period, caught up first."""
    cache.catch_up()
    found = insights(factory, period.since, period.until, PER[period.per])
    gaps = cache.clusters(period.since, period.until)
    # Markup: our own SVG, in which charts.py escapes every label; nothing else is marked safe.
    charts = [{"title": chart.title, "svg": Markup(chart.svg), "table": shown_table(chart.table)}
              for chart in insight_charts(found)]  # fmt: skip
    return {"charts": charts, "tables": [shown_table(t) for t in found.tables()], "gaps": gaps.clusters,
            "hidden": gaps.hidden, "definitions": definitions()}  # fmt: skip


@lru_cache(maxsize=1)
def definitions() -> Markup:
    """The section "Definities" of docs/insights.md, so the page and the docs say the same in the same words."""
    text = DOCS.read_text(encoding="utf-8").split("## Definities", 1)[1].split("\n## ", 1)[0]
    return Markup(report_html(text))


def page(request, period: Period | None, status: int = 200, error: str | None = None, **data):
    """The page; after a refused period its form again, with what was typed in it."""
    args = request.form if request.method == "POST" else request.args
    typed = {"van": args.get("van") or "", "tot": args.get("tot") or "", "per": args.get("per") or "week"}
    shown = {"van": period.since.isoformat(), "tot": period.until.isoformat(), "per": period.per} if period else typed
    return pages_of(request).render(
        request, "maintainers/insights.html", status=status, period=period, form=shown, error=error,
        query=period.query() if period else "", may_ask=request.ctx.advisor.role == "maintainer",
        notice=request.args.get("klaar") == "artikel", **data,
    )  # fmt: skip


@insight_pages.get(INSIGHTS)
@reader
async def insights_page(request):
    try:
        period = chosen_period(request.args, today(request))
    except PeriodError as wrong:
        return page(request, None, 400, str(wrong))
    data = await asyncio.to_thread(report, cache_of(request), services_of(request).factory, period)
    return page(request, period, **data)


def one_table(cache: InsightCache, factory, period: Period, name: str) -> ReportTable | None:
    cache.catch_up()
    if name == "hiaten":
        return cache.clusters(period.since, period.until).table()
    found = insights(factory, period.since, period.until, PER[period.per])
    return next((table for table in found.tables() if table.name == name), None)


@insight_pages.get(f"{INSIGHTS}/<filename:str>")
@reader
async def insights_csv(request, filename: str):
    name = filename.removesuffix(".csv")
    if name == filename or not name.isalpha():
        return refuse(request, 404, "Deze pagina bestaat niet.")
    try:
        period = chosen_period(request.args, today(request))
    except PeriodError as wrong:
        return response.text(str(wrong), status=400)
    table = await asyncio.to_thread(one_table, cache_of(request), services_of(request).factory, period, name)
    if table is None:
        return refuse(request, 404, f"Er is geen tabel '{name}'.")
    return response.text(table_csv(table), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{csv_name(table, period.since, period.until)}"'})  # fmt: skip


@insight_pages.post(ARTICLE_NEEDED)
@maintainer
async def insights_article_needed(request):
    form = request.form
    try:
        period = chosen_period(form, today(request))
    except PeriodError as wrong:
        return page(request, None, 400, str(wrong))
    cache, key, who = cache_of(request), form.get("groep") or "", request.ctx.advisor.username

    def ask() -> bool:
        found = next((c for c in cache.clusters(period.since, period.until).clusters if c.key == key), None)
        if found is not None:
            ask_for_article(services_of(request).factory, found, who)
        return found is not None

    if not await asyncio.to_thread(ask):
        return refuse(request, 404, "Deze groep vragen staat niet (meer) in de hiaten van deze periode.")
    return response.redirect(f"{INSIGHTS}?{period.query(klaar='artikel')}#hiaten", status=303)
