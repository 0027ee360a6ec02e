"""The model `make train` made, loaded once per test run for the slow tests that parse with it."""

from functools import lru_cache

import pytest
from rasa.core.agent import Agent

from bot.config import load_settings
from bot.training.model import model_path


@lru_cache(maxsize=1)
def _load(path: str) -> Agent:
    return Agent.load(path)


def trained_agent() -> Agent:
    current = model_path(load_settings())
    if not current.exists():
        pytest.fail(f"geen getraind model ({current.name}); draai eerst `make train`")
    return _load(str(current))
