"""Train only when the data, config, domain or our own NLU components changed.

The model file is named after a hash of everything training reads, so a model
that matches the files on disk is simply found, and a stale one is not.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import yaml

from bot.config import ROOT, Settings
from bot.training.registry import Registry

TRAINING_INPUTS = ("config.yml", "domain.yml", "data")


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    for component in our_components(root / "config.yml"):
        digest.update(str(component).encode())
        digest.update((ROOT / component).read_bytes())
    return digest.hexdigest()[:16]


def our_components(config: Path) -> list[Path]:
    """The source files of the components config.yml takes from our code (bot.…), relative to the project.

    Their code is the project's own, also for a retrain in another folder.
    """
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    names = [part.get("name", "") for part in (settings.get("pipeline") or []) + (settings.get("policies") or [])]
    return sorted({Path(*name.split(".")[:-1]).with_suffix(".py") for name in names if name.startswith("bot.")})


def model_path(settings: Settings) -> Path:
    """The model of the files as they are: trained by `make train`, else the newest retrain candidate
    of the same files (the gate names them jep-<fingerprint>-<time>), else where training will put it."""
    digest = fingerprint()
    trained = settings.models_dir / f"jep-{digest}.tar.gz"
    candidates = sorted((settings.models_dir / "candidates").glob(f"jep-{digest}-*.tar.gz"))
    return trained if trained.exists() or not candidates else candidates[-1]


def active_model(settings: Settings) -> Path:
    """The model a maintainer chose (a retrain or a rollback, see bot/training/retrain.py), else the model of the
    files as they are, trained first if they changed."""
    registry = Registry.for_models(settings.models_dir)
    chosen = registry.active_path()
    if chosen and registry.pinned:
        print(f"Actief model, gekozen bij hertrainen of terugzetten: {chosen.name}", flush=True)
        return chosen
    path = ensure_model(settings)
    # The registry knows what runs, so a retrain compares with it and a rollback can return to it.
    registry.adopt(path)
    registry.save()
    return path


def ensure_model(settings: Settings) -> Path:
    """The model for the current files, trained first if there is none."""
    path = model_path(settings)
    if path.exists():
        print(f"Model is actueel: {path.name}", flush=True)
        return path
    print("Data, config of domain is veranderd: het model wordt getraind (enkele minuten)...", flush=True)
    started = time.monotonic()
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", str(ROOT / "config.yml"),
        "--domain", str(ROOT / "domain.yml"),
        "--data", str(ROOT / "data"),
        "--out", str(settings.models_dir),
        "--fixed-model-name", path.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0 or not path.exists():
        raise SystemExit(f"Training mislukt (code {result.returncode}); zie de uitvoer hierboven.")
    print(f"Model getraind in {time.monotonic() - started:.0f} s: {path.name}", flush=True)
    return path
