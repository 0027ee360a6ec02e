from __future__ import annotations

import dataclasses
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.common import environment
from bot.config import ROOT, load_settings
from bot.knowledge.loader import load_knowledge
from bot.services import build_services
from bot.store import make_engine, make_sessionmaker

KNOWLEDGE = ROOT / "knowledge"
SHARED = ROOT.parent / "shared"
# Known to the tests (and never written to var/rasa.token): the advisors' relay, Rasa's HTTP API.
RELAY_TOKEN = "proef-relay-token"
RASA_TOKEN = "proef-rasa-token"


def free_port() -> int:
    """A port nothing listens on now, so a second test run on the machine cannot collide."""
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


@contextmanager
def stack_environment(knowledge: Path, **databases: str) -> Iterator[dict[str, str]]:
    """This process's JEP_* environment as the services of a test stack see it, restored afterwards:
    `databases` (JEP_DB_URL=..., ...), the knowledge in `knowledge`, free ports, the known tokens, and
    always open, so live chat can be tested at any hour of any day."""
    env = {
        **databases,
        "JEP_KNOWLEDGE_DIR": str(knowledge),
        "JEP_HOST": "localhost",
        "JEP_WEB_PORT": str(free_port()),
        "JEP_RASA_PORT": str(free_port()),
        "JEP_ACTION_PORT": str(free_port()),
        "JEP_OFFICE_DAYS": "1-7",
        "JEP_OFFICE_HOURS": "00:00-23:59",
        "JEP_RELAY_TOKEN": RELAY_TOKEN,
        "JEP_RASA_TOKEN": RASA_TOKEN,
    }
    with environment(**env):
        yield env


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
