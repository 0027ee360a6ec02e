"""The maintainers' models pages: the last versions, retraining in the background with its progress,
rollback, and each version's report. They do what `python -m bot model list|retrain|rollback` does.

A report is found through the registry by the version's name, and served only from var/reports:
no path ever comes from the request.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime
from pathlib import Path

from sanic import Blueprint, response

from bot.training.activation import roll_back
from bot.training.progress import duration
from bot.training.registry import Registry, Version
from bot.training.retrain_job import STAMP, AlreadyRunning, Run, version_of
from bot.web.auth import require_role
from bot.web.pages import Pages, pages_of, refuse, settings_of
from bot.web.render import report_html

MODELS = "/beheer/modellen"
RETRAIN = "/beheer/modellen/hertrainen"
ROLLBACK = "/beheer/modellen/terugzetten"


def decimal(value: float | None, digits: int = 3) -> str:
    """A score the Dutch way (0,912); a dash when there is none."""
    return "–" if value is None else f"{value:.{digits}f}".replace(".", ",")


def report_path(version: Version | None, name: str, reports: Path) -> Path | None:
    """A file of a version's report folder, only if that folder lies in reports."""
    if version is None or not version.report:
        return None
    report = Path(version.report).resolve()
    if report.name != "report.md" or not report.parent.is_relative_to(reports.resolve()):
        return None
    path = report.parent / name
    return path if path.is_file() else None


def outcome(run: Run, version: Version | None) -> str:
    if run.running:
        return "Bezig met hertrainen."
    if version is not None and version.decision == "active":
        return f"Klaar: {version.name} is geactiveerd."
    if version is not None:
        return f"Klaar: kandidaat {version.name} is geweigerd; het huidige model blijft actief."
    if run.exit_code is None:
        return "Gestopt zonder uitslag (afgebroken, of de webapp is tussendoor herstart). Zie de uitvoer."
    return f"Mislukt (code {run.exit_code}); er is niets geactiveerd. Zie de uitvoer."


model_pages = Blueprint("models")
maintainer = require_role("maintainer")
api_maintainer = require_role("maintainer", api=True)
rolling = threading.Lock()


def registry(request) -> Registry:
    return Registry.for_models(settings_of(request).models_dir)


def reports_of(request) -> Path:
    return request.app.ctx.maintenance.reports


def when(pages: Pages, created_at: str) -> str:
    """A registry time (the gate's UTC stamp, or ISO for a model from before the registry) in local time."""
    try:
        return pages.local_utc(datetime.strptime(created_at, STAMP))
    except ValueError:
        pass
    try:
        return pages.local(created_at)
    except ValueError:
        return created_at


def present(pages: Pages, reports: Path, version: Version, active: Version | None) -> dict:
    return {
        "name": version.name, "created": when(pages, version.created_at), "f1": decimal(version.macro_f1),
        "failed": "–" if version.conversations_failed is None else str(version.conversations_failed),
        "active": bool(active and version.name == active.name), "refused": version.decision == "refused",
        "reasons": version.reasons, "report": report_path(version, "report.md", reports) is not None,
    }  # fmt: skip


def progress(request) -> dict | None:
    """The latest run as the progress page and its script show it; None before the first."""
    run = request.app.ctx.maintenance.job.latest()
    if run is None:
        return None
    version = None if run.running else version_of(registry(request), run)
    took = duration(run.seconds)
    has_report = report_path(version, "report.md", reports_of(request)) is not None
    return {
        "stamp": run.stamp, "running": run.running, "outcome": outcome(run, version),
        "activated": bool(version and version.decision == "active"),
        "started": pages_of(request).local_utc(datetime.strptime(run.stamp, STAMP)),
        "elapsed": f"{took} verstreken." if run.running else f"Duurde {took}.",
        "steps": run.steps, "tail": run.tail, "reasons": version.reasons if version else [],
        "exit_code": run.exit_code, "report": f"{MODELS}/{version.name}/rapport" if has_report else None,
    }  # fmt: skip


async def models_page(request, status: int = 200, error: str | None = None, message: str | None = None):
    pages, reports = pages_of(request), reports_of(request)

    def load():
        current = registry(request)
        active = current.active()
        return [present(pages, reports, v, active) for v in current.last(10)], progress(request)

    versions, run = await asyncio.to_thread(load)
    return pages.render(request, "maintainers/models.html", status=status, versions=versions, run=run,
                        error=error, message=message)  # fmt: skip


@model_pages.get(MODELS)
@maintainer
async def maintainers_models(request):
    return await models_page(request)


@model_pages.post(RETRAIN)
@maintainer
async def maintainers_retrain(request):
    try:
        await asyncio.to_thread(request.app.ctx.maintenance.job.start)
    except AlreadyRunning as busy:
        return await models_page(request, 409, str(busy))
    return response.redirect(RETRAIN, status=303)


@model_pages.get(RETRAIN)
@maintainer
async def maintainers_retrain_progress(request):
    run = await asyncio.to_thread(progress, request)
    return pages_of(request).render(request, "maintainers/retrain.html", run=run)


@model_pages.get(f"{RETRAIN}/voortgang")
@api_maintainer
async def maintainers_retrain_status(request):
    return response.json(await asyncio.to_thread(progress, request))


@model_pages.get(ROLLBACK)
@maintainer
async def maintainers_rollback_confirm(request):
    def targets():
        current = registry(request)
        active = current.active()
        try:
            return active, current.rollback()  # only looked at: this registry is never saved
        except LookupError:
            return active, None

    active, target = await asyncio.to_thread(targets)
    return pages_of(request).render(request, "maintainers/rollback.html", active=active, target=target)


def back_to_previous(request, expected: str) -> str:
    """Back to the previous model, if the active one is still the one the form was shown."""
    with rolling:
        # The form names the model it was shown, so sending it twice does not go back two models.
        version, activated = roll_back(settings_of(request), request.app.ctx.maintenance.job, shown_active=expected)
        return f"Teruggezet naar {version.name}. " + activated


@model_pages.post(ROLLBACK)
@maintainer
async def maintainers_rollback(request):
    try:
        message = await asyncio.to_thread(back_to_previous, request, request.form.get("van") or "")
    except (LookupError, RuntimeError) as problem:
        return await models_page(request, 409, str(problem))
    return await models_page(request, message=message)


def report_file(request, name: str, filename: str) -> Path | None:
    return report_path(registry(request).get(name), filename, reports_of(request))


async def from_report(request, name: str, filename: str, missing: str, reply):
    """reply(path) for a file of the version's report, or the refusal `missing` (about {name}) if there is none."""
    path = await asyncio.to_thread(report_file, request, name, filename)
    if path is None:
        return refuse(request, 404, missing.format(name=name))
    return await reply(path)


@model_pages.get(f"{MODELS}/<name>/rapport")
@maintainer
async def maintainers_report(request, name: str):
    async def page(path: Path):
        body = await asyncio.to_thread(lambda: report_html(path.read_text(encoding="utf-8")))
        return pages_of(request).render(request, "maintainers/report.html", name=name, body=body)

    return await from_report(request, name, "report.md", "Er is geen rapport van model {name}.", page)


@model_pages.get(f"{MODELS}/<name>/confusion.png")
@maintainer
async def maintainers_confusion(request, name: str):
    async def image(path: Path):
        return response.raw(await asyncio.to_thread(path.read_bytes), content_type="image/png")

    return await from_report(request, name, "confusion.png", "Er is geen verwarringsmatrix van model {name}.", image)
