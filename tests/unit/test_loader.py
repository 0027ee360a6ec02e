import shutil
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from bot.config import ROOT
from bot.knowledge.loader import KnowledgeInvalid, load_knowledge
from bot.knowledge.service import KnowledgeService
from bot.store import Article, KnowledgeState, Provider, unit_of_work
from tests.conftest import KNOWLEDGE


@pytest.fixture
def knowledge_dir(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def count(factory, model):
    with unit_of_work(factory) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def version(factory):
    with unit_of_work(factory) as session:
        return session.get(KnowledgeState, 1).version


def test_loads_every_file(factory):
    report = load_knowledge(KNOWLEDGE, factory)
    assert count(factory, Article) == report.totals["articles"] >= 40
    assert count(factory, Provider) == report.totals["providers"] >= 20
    assert report.totals["topics"] == 13


def test_second_load_changes_nothing(factory):
    load_knowledge(KNOWLEDGE, factory)
    before = version(factory)
    report = load_knowledge(KNOWLEDGE, factory)
    assert not report.anything_changed
    assert version(factory) == before


def test_edits_and_deletions_are_applied(factory, knowledge_dir):
    load_knowledge(knowledge_dir, factory)
    before = version(factory)
    victim = sorted((knowledge_dir / "articles").glob("*.md"))[0]
    victim.unlink()
    edited = sorted((knowledge_dir / "articles").glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: Herzien - ", 1), encoding="utf-8")
    report = load_knowledge(knowledge_dir, factory)
    assert report.removed["articles"] == 1 and report.changed["articles"] == 1
    assert version(factory) == before + 1
    with unit_of_work(factory) as session:
        assert session.get(Article, victim.stem) is None
        assert session.get(Article, edited.stem).title.startswith("Herzien - ")


def break_article(directory, old, new):
    path = sorted((directory / "articles").glob("*.md"))[1]
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, field, words",
    [
        ("topics: [", "topics: [geen-onderwerp, ", "topics", "onbekend onderwerp 'geen-onderwerp'"),
        ("summary:", "samenvatting:", "summary", "ontbreekt"),
        ("updated: ", "updated: gisteren #", "updated", "datum"),
    ],
)
def test_a_broken_article_names_file_and_field_and_changes_nothing(factory, knowledge_dir, old, new, field, words):
    load_knowledge(knowledge_dir, factory)
    before = (count(factory, Article), version(factory))
    (knowledge_dir / "articles" / "nieuw-artikel.md").write_text(
        "---\nid: nieuw-artikel\ntitle: T\nsummary: S\ntopics: [gesprek]\naudiences: [onderwijs]\n"
        "updated: 2026-11-28\n---\nTekst.\n",
        encoding="utf-8",
    )
    path = break_article(knowledge_dir, old, new)
    with pytest.raises(KnowledgeInvalid) as raised:
        load_knowledge(knowledge_dir, factory)
    [error] = raised.value.errors
    assert error.path == path and error.field == field and words in error.message
    assert (count(factory, Article), version(factory)) == before


def test_duplicate_ids_are_refused(factory, knowledge_dir):
    providers = knowledge_dir / "providers.yml"
    text = providers.read_text(encoding="utf-8")
    providers.write_text(text.replace("id: alarmnummer-112", "id: advieslijn-platform-jep", 1), encoding="utf-8")
    with pytest.raises(KnowledgeInvalid) as raised:
        load_knowledge(knowledge_dir, factory)
    assert any("advieslijn-platform-jep" in str(e) and "bestaat al" in str(e) for e in raised.value.errors)
    assert count(factory, Provider) == 0


def test_broken_yaml_is_refused(factory, knowledge_dir):
    (knowledge_dir / "providers.yml").write_text("providers:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeInvalid) as raised:
        load_knowledge(knowledge_dir, factory)
    assert "providers.yml" in str(raised.value) and "ongeldige YAML" in str(raised.value)


def test_cli_prints_one_line_per_error_and_keeps_the_database(tmp_path, knowledge_dir):
    env = {"JEP_DB_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "bot", "knowledge", "load", "--dir", str(knowledge_dir)]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "Kennisbank geladen" in first.stdout
    providers = knowledge_dir / "providers.yml"
    providers.write_text(providers.read_text(encoding="utf-8").replace("topics: [", "topics: [onzin, ", 1))
    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert second.returncode == 1
    errors = [line for line in second.stderr.splitlines() if line.startswith("fout:")]
    assert len(errors) == 1
    assert "providers.yml" in errors[0] and "topics" in errors[0] and "onzin" in errors[0]
    assert "niet gewijzigd" in second.stderr


def test_an_older_database_gets_new_columns_without_losing_rows(tmp_path):
    from sqlalchemy import create_engine, text

    from bot.store import make_engine

    url = f"sqlite:///{tmp_path / 'oud.db'}"
    with create_engine(url, future=True).begin() as connection:
        connection.execute(text(
            "CREATE TABLE escalations (id INTEGER PRIMARY KEY, ticket VARCHAR(32), reason VARCHAR(32) NOT NULL, "
            "mode VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL, conversation_id VARCHAR(200) NOT NULL, "
            "topic VARCHAR(64), created_at DATETIME NOT NULL)"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO escalations VALUES (1, 'E-2026-000001', 'acute', 'phone', 'open', 'g', NULL, '2026-11-01')"
        ))  # fmt: skip
    engine = make_engine(url)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT ticket, closed_at FROM escalations")).one()
    assert row.ticket == "E-2026-000001" and row.closed_at is None


def test_a_running_service_sees_a_new_load_once_its_check_is_due(factory, knowledge_dir):
    load_knowledge(knowledge_dir, factory)
    prompt, patient = KnowledgeService(factory, check_every=0.0), KnowledgeService(factory, check_every=3600.0)
    before = {service: service.catalogue().version for service in (prompt, patient)}
    victim = sorted((knowledge_dir / "articles").glob("*.md"))[0]
    victim.unlink()
    load_knowledge(knowledge_dir, factory)
    assert prompt.catalogue().version == before[prompt] + 1
    assert victim.stem not in prompt.catalogue().articles
    # Not yet due: the index it has, without asking the store.
    assert patient.catalogue().version == before[patient]
    patient.check_every = 0.0
    assert victim.stem not in patient.catalogue().articles
