from __future__ import annotations

import dataclasses
import shutil
import socket
from pathlib import Path

import pytest

from bot.config import ROOT, load_settings
from bot.knowledge.loader import load_knowledge
from bot.services import build_services
from bot.store import make_engine, make_sessionmaker

KNOWLEDGE = ROOT / "knowledge"
SHARED = ROOT.parent / "shared"


def free_port() -> int:
    """A port nothing listens on now, so a second test run on the machine cannot collide."""
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def copy_training_files(folder: Path) -> Path:
    """data/nlu and domain.yml in folder, for tests that annotate without touching the real ones."""
    shutil.copytree(ROOT / "data" / "nlu", folder / "nlu")
    shutil.copy(ROOT / "domain.yml", folder / "domain.yml")
    return folder


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: trains or runs Rasa; `make slow` (in `make test`) runs them")


@pytest.fixture
def settings(tmp_path: Path):
    return dataclasses.replace(
        load_settings(),
        db_url=f"sqlite:///{tmp_path / 'jep.db'}",
        tracker_db_url=f"sqlite:///{tmp_path / 'tracker.db'}",
        models_dir=tmp_path / "models",
    )


@pytest.fixture
def factory():
    """A fresh in-memory database for each test."""
    return make_sessionmaker(make_engine("sqlite://"))


@pytest.fixture(scope="session")
def loaded_factory():
    """The real knowledge files, loaded once into an in-memory database."""
    factory = make_sessionmaker(make_engine("sqlite://"))
    load_knowledge(KNOWLEDGE, factory)
    return factory


@pytest.fixture(scope="session")
def services(loaded_factory):
    return build_services(load_settings(), loaded_factory)
