"""A damaged candidate (one intent's examples removed) is refused and the active model stays.

Trains a real model (minutes on two cores): marked slow, so `make test` runs it after `make train`.
"""

import dataclasses
import shutil

import pytest
from ruamel.yaml import YAML

from bot.config import ROOT, load_settings
from bot.training.gate import MAX_F1_DROP
from bot.training.model import model_path
from bot.training.registry import Registry, Version
from bot.training.retrain import retrain

REMOVED = "ask_hours"

pytestmark = pytest.mark.slow


def test_a_candidate_without_one_intent_is_refused(tmp_path):
    current = model_path(load_settings())
    if not current.exists():
        pytest.fail(f"geen getraind model ({current.name}); draai eerst `make train`")
    for name in ("data", "config.yml", "domain.yml"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, tmp_path / name)
    yaml = YAML()
    for path in (tmp_path / "data" / "nlu").glob("*.yml"):
        document = yaml.load(path)
        kept = [block for block in document["nlu"] if block.get("intent") != REMOVED]
        if len(kept) < len(document["nlu"]):
            document["nlu"] = kept
            yaml.dump(document, path)
    settings = dataclasses.replace(load_settings(), models_dir=tmp_path / "models", rasa_port=1)  # no server there
    registry = Registry.for_models(settings.models_dir)
    registry.add(Version("huidig", str(current), "voor de test"))
    registry.activate("huidig")
    registry.save()

    assert retrain(settings, root=tmp_path, reports=tmp_path / "reports") == 1

    registry = Registry.for_models(settings.models_dir)
    assert registry.active().name == "huidig"
    refused = registry.last(1)[0]
    assert refused.decision == "refused" and refused.macro_f1 < registry.get("huidig").macro_f1 - MAX_F1_DROP
    print(
        f"\nhuidig {registry.get('huidig').macro_f1:.3f}, kandidaat {refused.macro_f1:.3f}, "
        f"gesprekstests mislukt {refused.conversations_failed}; {refused.reasons}; rapport {refused.report}"
    )
