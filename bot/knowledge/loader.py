"""Load the editors' files into SQL: all or nothing, idempotent, deletions included."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import load_settings
from bot.knowledge.files import KnowledgeError, read_knowledge
from bot.knowledge.vectors import (
    Embedder,
    Progress,
    VectorCache,
    article_passages,
    content_key,
    embed_passages,
    provider_passages,
)
from bot.store import Article, Audience, KnowledgeState, PassageVector, Provider, SynonymGroup, Topic, unit_of_work

TABLES = (
    ("topics", Topic),
    ("audiences", Audience),
    ("articles", Article),
    ("providers", Provider),
    ("synonyms", SynonymGroup),
)


class KnowledgeInvalid(Exception):
    def __init__(self, errors: list[KnowledgeError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class LoadReport:
    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    version: int = 0
    vectors_added: int = 0
    vectors_removed: int = 0

    @property
    def anything_changed(self) -> bool:
        changed = any(self.added.values()) or any(self.changed.values()) or any(self.removed.values())
        return changed or bool(self.vectors_added or self.vectors_removed)


def load_knowledge(
    directory: Path,
    factory: sessionmaker,
    cache: VectorCache | None = None,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
) -> LoadReport:
    """Validate every file first; write nothing unless all of them are valid.

    Every passage gets its e5 vector here, from `cache` (by default the
    machine's, JEP_VECTOR_CACHE) where it holds one, so that no question ever
    waits for a passage to be embedded.
    """
    knowledge, errors = read_knowledge(directory)
    if errors:
        raise KnowledgeInvalid(errors)
    passages = [text for article in knowledge.articles for text in article_passages(article)]
    passages += [text for provider in knowledge.providers for text in provider_passages(provider)]
    wanted = {content_key(text): text for text in passages}
    with unit_of_work(factory) as session:
        stored = set(session.execute(select(PassageVector.key)).scalars())
    # Embedding may take minutes on a new machine: outside the transaction that writes.
    missing = [text for key, text in wanted.items() if key not in stored]
    cache = cache or VectorCache(load_settings().vector_cache)
    vectors = embed_passages(missing, embedder or Embedder(), cache, progress) if missing else {}
    report = LoadReport()
    with unit_of_work(factory) as session:
        stored = set(session.execute(select(PassageVector.key)).scalars())
        session.add_all(PassageVector(key=key, vector=blob) for key, blob in vectors.items() if key not in stored)
        unused = stored - wanted.keys()
        if unused:
            session.execute(delete(PassageVector).where(PassageVector.key.in_(unused)))
        report.vectors_added, report.vectors_removed = len(vectors), len(unused)
        for name, model in TABLES:
            _sync(session, model, getattr(knowledge, name), name, report)
        state = session.get(KnowledgeState, 1) or KnowledgeState(id=1, version=0)
        if report.anything_changed or state.version == 0:
            state.version += 1
            state.loaded_at = datetime.utcnow()
        session.add(state)
        report.version = state.version
    return report


def _sync(session: Session, model, records: list[dict], name: str, report: LoadReport) -> None:
    existing = {row.id: row for row in session.execute(select(model)).scalars()}
    wanted = {record["id"]: record for record in records}
    added = changed = 0
    columns = [c.key for c in model.__table__.columns]
    for item_id, record in wanted.items():
        values = {key: record[key] for key in columns if key in record}
        row = existing.get(item_id)
        if row is None:
            session.add(model(**values))
            added += 1
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            changed += 1
    removed = [row for item_id, row in existing.items() if item_id not in wanted]
    for row in removed:
        session.delete(row)
    session.flush()
    report.added[name], report.changed[name], report.removed[name] = added, changed, len(removed)
    report.totals[name] = len(wanted)
