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

from sanic import Sanic, response

from bot.config import Settings
from bot.training.activation import roll_back
from bot.training.progress import duration
from bot.training.registry import Registry, Version
from bot.training.retrain_job import STAMP, AlreadyRunning, RetrainJob, Run, version_of
from bot.web.advisors import AdvisorContext, refuse, require_role
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


def register_model_routes(app: Sanic, settings: Settings, reports: Path, job: RetrainJob) -> None:
    context: AdvisorContext = app.ctx.advisors
    maintainer = require_role("maintainer")
    api_maintainer = require_role("maintainer", api=True)
    rolling = threading.Lock()

    def registry() -> Registry:
        return Registry.for_models(settings.models_dir)

    def when(created_at: str) -> str:
        """A registry time (the gate's UTC stamp, or ISO for a model from before the registry) in local time."""
        try:
            return context.local_utc(datetime.strptime(created_at, STAMP))
        except ValueError:
            pass
        try:
            return context.local(created_at)
        except ValueError:
            return created_at

    def present(version: Version, active: Version | None) -> dict:
        return {
            "name": version.name, "created": when(version.created_at), "f1": decimal(version.macro_f1),
            "failed": "–" if version.conversations_failed is None else str(version.conversations_failed),
            "active": bool(active and version.name == active.name), "refused": version.decision == "refused",
            "reasons": version.reasons, "report": report_path(version, "report.md", reports) is not None,
        }  # fmt: skip

    def progress() -> dict | None:
        """The latest run as the progress page and its script show it; None before the first."""
        run = job.latest()
        if run is None:
            return None
        version = None if run.running else version_of(registry(), run)
        took = duration(run.seconds)
        has_report = report_path(version, "report.md", reports) is not None
        return {
            "stamp": run.stamp, "running": run.running, "outcome": outcome(run, version),
            "activated": bool(version and version.decision == "active"),
            "started": context.local_utc(datetime.strptime(run.stamp, STAMP)),
            "elapsed": f"{took} verstreken." if run.running else f"Duurde {took}.",
            "steps": run.steps, "tail": run.tail, "reasons": version.reasons if version else [],
            "exit_code": run.exit_code, "report": f"{MODELS}/{version.name}/rapport" if has_report else None,
        }  # fmt: skip

    async def models_page(request, status: int = 200, error: str | None = None, message: str | None = None):
        def load():
            current = registry()
            active = current.active()
            return [present(v, active) for v in current.last(10)], progress()

        versions, run = await asyncio.to_thread(load)
        return context.render(request, "maintainers/models.html", status=status, versions=versions, run=run,
                              error=error, message=message)  # fmt: skip

    @app.get(MODELS)
    @maintainer
    async def maintainers_models(request):
        return await models_page(request)

    @app.post(RETRAIN)
    @maintainer
    async def maintainers_retrain(request):
        try:
            await asyncio.to_thread(job.start)
        except AlreadyRunning as busy:
            return await models_page(request, 409, str(busy))
        return response.redirect(RETRAIN, status=303)

    @app.get(RETRAIN)
    @maintainer
    async def maintainers_retrain_progress(request):
        return context.render(request, "maintainers/retrain.html", run=await asyncio.to_thread(progress))

    @app.get(f"{RETRAIN}/voortgang")
    @api_maintainer
    async def maintainers_retrain_status(request):
        return response.json(await asyncio.to_thread(progress))

    @app.get(ROLLBACK)
    @maintainer
    async def maintainers_rollback_confirm(request):
        def targets():
            current = registry()
            active = current.active()
            try:
                return active, current.rollback()  # only looked at: this registry is never saved
            except LookupError:
                return active, None

        active, target = await asyncio.to_thread(targets)
        return context.render(request, "maintainers/rollback.html", active=active, target=target)

    @app.post(ROLLBACK)
    @maintainer
    async def maintainers_rollback(request):
        expected = request.form.get("van") or ""

        def back_to_previous() -> str:
            with rolling:
                # The form names the model it was shown, so sending it twice does not go back two models.
                version, activated = roll_back(settings, job, shown_active=expected)
                return f"Teruggezet naar {version.name}. " + activated

        try:
            message = await asyncio.to_thread(back_to_previous)
        except (LookupError, RuntimeError) as problem:
            return await models_page(request, 409, str(problem))
        return await models_page(request, message=message)

    def report_file(name: str, filename: str) -> Path | None:
        return report_path(registry().get(name), filename, reports)

    @app.get(f"{MODELS}/<name>/rapport")
    @maintainer
    async def maintainers_report(request, name: str):
        path = await asyncio.to_thread(report_file, name, "report.md")
        if path is None:
            return refuse(request, 404, f"Er is geen rapport van model {name}.")
        body = await asyncio.to_thread(lambda: report_html(path.read_text(encoding="utf-8")))
        return context.render(request, "maintainers/report.html", name=name, body=body)

    @app.get(f"{MODELS}/<name>/confusion.png")
    @maintainer
    async def maintainers_confusion(request, name: str):
        path = await asyncio.to_thread(report_file, name, "confusion.png")
        if path is None:
            return refuse(request, 404, f"Er is geen verwarringsmatrix van model {name}.")
        return response.raw(await asyncio.to_thread(path.read_bytes), content_type="image/png")
