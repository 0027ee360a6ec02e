"""A maintainer's model switch and rollback reach the running Rasa server, and no conversation is dropped.

Runs `python -m bot model rollback` as a maintainer would, against the stack's Rasa server.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys

import requests

from bot.config import ROOT
from bot.training.activation import activate, served_model
from bot.training.model import model_path
from bot.training.registry import Registry, Version
from tests.browser.conftest import RASA_TOKEN, events, say


def loaded_model(stack) -> str:
    reply = requests.get(f"{stack.rasa_url}/status", params={"token": RASA_TOKEN}, timeout=30)
    reply.raise_for_status()
    return os.path.basename(reply.json()["model_file"])


def test_activate_and_roll_back_on_the_running_server(stack, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    current = model_path(stack)  # what the stack started with: trained, or a retrain candidate of the same files
    newer = models / "jep-kandidaat-proef.tar.gz"
    shutil.copy(current, newer)  # same content, another name: which file Rasa serves is what counts here
    settings = dataclasses.replace(stack, models_dir=models)
    registry = Registry.for_models(models)
    registry.add(Version("huidig", str(current), "2026-11-28T10:00:00+00:00", 0.94, 0))
    registry.activate("huidig")
    registry.add(Version("kandidaat", str(newer), "2026-11-28T11:00:00+00:00", 0.95, 0))
    assert loaded_model(stack) == current.name
    assert served_model(stack) == current  # what a first retrain compares with
    assert say(stack, "wissel-proef", "hallo")

    activate(settings, registry, registry.get("kandidaat"))
    assert loaded_model(stack) == newer.name
    assert Registry.for_models(models).active().name == "kandidaat"

    rollback = subprocess.run(
        [sys.executable, "-m", "bot", "model", "rollback"],
        cwd=ROOT, env={**os.environ, "JEP_MODELS_DIR": str(models)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert rollback.returncode == 0, rollback.stdout + rollback.stderr
    assert "Teruggezet naar huidig" in rollback.stdout
    assert loaded_model(stack) == current.name
    assert Registry.for_models(models).active().name == "huidig"

    # The conversation that began before both switches goes on, with everything it said before.
    assert say(stack, "wissel-proef", "welke organisaties helpen bij online radicalisering")
    texts = [event.get("text") for event in events(stack, "wissel-proef") if event["event"] == "user"]
    assert texts == ["hallo", "welke organisaties helpen bij online radicalisering"]
