"""Accepted examples land in the right file, keep comments and layout, and never twice."""

import shutil
import subprocess
import sys

import pytest

from bot.config import ROOT
from bot.training.annotate import add_example


@pytest.fixture
def project(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    shutil.copy(ROOT / "config.yml", tmp_path / "config.yml")
    return tmp_path


def test_example_goes_to_the_file_of_its_intent_and_keeps_the_rest(project):
    path = project / "data" / "nlu" / "escalation.yml"
    before = path.read_text()
    added = add_example("kan ik   jullie ook mailen", "request_human", project / "data" / "nlu", project / "domain.yml")
    assert added.added and not added.new_intent and added.path == path
    after = path.read_text()
    assert after.count("\n") == before.count("\n") + 1
    assert "    - kan ik jullie ook mailen\n" in after
    assert [line for line in after.splitlines() if line.startswith("#")] == [
        line for line in before.splitlines() if line.startswith("#")
    ]


def test_a_sentence_of_the_held_out_test_set_is_refused(project):
    test_set = project / "nlu_test.yml"
    test_set.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - Goedemiddag  allemaal\n')
    nlu, domain = project / "data" / "nlu", project / "domain.yml"
    before = {path.name: path.read_text() for path in nlu.glob("*.yml")}
    with pytest.raises(ValueError, match="testset nlu_test.yml"):
        add_example("goedemiddag allemaal", "greet", nlu, domain, test_set)
    assert {path.name: path.read_text() for path in nlu.glob("*.yml")} == before


def test_duplicates_are_never_added(project):
    nlu, domain = project / "data" / "nlu", project / "domain.yml"
    snapshot = {p.name: p.read_text() for p in nlu.glob("*.yml")}
    # Already in the data: same words, other case and spacing, with entity markup in the file.
    again = add_example("Signalen  herkennen radicalisering MEISJES", "ask_knowledge", nlu, domain)
    assert not again.added and again.existing_intent == "ask_knowledge"
    assert {p.name: p.read_text() for p in nlu.glob("*.yml")} == snapshot
    add_example("wat kost een training", "ask_costs", nlu, domain)
    assert not add_example("Wat kost een  training", "ask_costs", nlu, domain).added
    assert (nlu / "new_intents.yml").read_text().count("wat kost een training") == 1


def test_a_new_intent_goes_into_new_intents_and_the_domain(project):
    nlu, domain = project / "data" / "nlu", project / "domain.yml"
    before = domain.read_text()
    added = add_example("wat kost een training", "ask_costs", nlu, domain)
    assert added.new_intent and added.path.name == "new_intents.yml"
    after = domain.read_text()
    assert "  - rate_limited\n  - ask_costs\n\nentities:" in after
    assert after.replace("  - ask_costs\n", "") == before


@pytest.mark.slow
def test_rasa_accepts_the_written_data(project):
    nlu, domain = project / "data" / "nlu", project / "domain.yml"
    add_example("kan ik jullie ook mailen", "request_human", nlu, domain)
    add_example("wat kost een training", "ask_costs", nlu, domain)
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--domain", "domain.yml", "--data", "data",
         "--config", "config.yml"],
        cwd=project, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
