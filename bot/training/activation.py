"""Making a model the active one: in the registry, and in a running Rasa server through its
authenticated HTTP API, without a restart. Rollback goes through here from the shell and the page."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import RASA_TOKEN_FILE, Settings
from bot.training.registry import Registry, Version

if TYPE_CHECKING:
    from bot.training.retrain_job import RetrainJob


def _rasa_api(settings: Settings, server: str, path: str, **kwargs) -> urllib.request.Request:
    """A request to a running Rasa server's HTTP API, with the token `make run` made for it."""
    token = settings.rasa_token or (
        RASA_TOKEN_FILE.read_text(encoding="utf-8").strip() if RASA_TOKEN_FILE.exists() else ""
    )
    return urllib.request.Request(f"{server}{path}?{urllib.parse.urlencode({'token': token})}", **kwargs)


def served_model(settings: Settings) -> Path | None:
    """The model file the (first answering) running Rasa server has loaded; None when no server answers."""
    for server in settings.rasa_servers:
        try:
            with urllib.request.urlopen(_rasa_api(settings, server, "/status"), timeout=10) as reply:
                name = Path(json.load(reply).get("model_file") or "").name
        except (OSError, ValueError):
            continue
        for folder in (settings.models_dir, settings.models_dir / "candidates"):
            if name and (folder / name).is_file():
                return folder / name
        return None
    return None


def load_into_server(settings: Settings, model: Path) -> bool:
    """Ask every running Rasa server (each replica of a cluster) to switch models (PUT /model), one after
    the other, so the others keep answering meanwhile; False if none answers."""
    body = json.dumps({"model_file": str(model.resolve())}).encode()
    loaded = False
    for server in settings.rasa_servers:
        request = _rasa_api(settings, server, "/model", data=body, headers={"Content-Type": "application/json"},
                            method="PUT")  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=600):
                loaded = True
        except urllib.error.HTTPError as refused:
            raise RuntimeError(f"de Rasa-server {server} weigerde het model (HTTP {refused.code})") from None
        except OSError:
            continue
    return loaded


def activate(settings: Settings, registry: Registry, version: Version) -> str:
    """Make version the active model; returns what happened, for the terminal or the maintainers' page."""
    registry.activate(version.name)
    registry.save()
    try:
        loaded = load_into_server(settings, Path(version.path))
    except RuntimeError as problem:
        return f"Let op: {problem}. Het register is bijgewerkt; bij de volgende start draait dit model."
    if loaded:
        return f"De draaiende Rasa-server gebruikt nu {version.name}."
    return f"Geen draaiende Rasa-server: bij de volgende start (make run) draait {version.name}."


def roll_back(settings: Settings, job: RetrainJob, shown_active: str | None = None) -> tuple[Version, str]:
    """Back to the model that was active before, in the registry and the running server; returns it and
    what happened. Refused while a retrain runs (its candidate would be activated over the rollback) and,
    with shown_active, when the active model is no longer the one the maintainer was shown."""
    job.refuse_rollback_while_running()
    registry = Registry.for_models(settings.models_dir)
    active = registry.active()
    if shown_active is not None and (active.name if active else "") != shown_active:
        raise RuntimeError("Het actieve model is intussen veranderd; bekijk de lijst en probeer opnieuw.")
    version = registry.rollback()
    return version, activate(settings, registry, version)
