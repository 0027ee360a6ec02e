"""Read and validate the editors' knowledge files.

Every problem becomes a KnowledgeError that names the file and the field, in
Dutch, so an editor can fix it without reading code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.regions import KINDS, Regions, parse_regions

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)


class KnowledgeError(Exception):
    def __init__(self, path: Path, field_name: str | None, message: str):
        self.path, self.field, self.message = path, field_name, message
        where = f"{path}" + (f": veld '{field_name}'" if field_name else "")
        super().__init__(f"{where}: {message}")


@dataclass
class Knowledge:
    topics: list[dict] = field(default_factory=list)
    audiences: list[dict] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)
    providers: list[dict] = field(default_factory=list)
    synonyms: list[dict] = field(default_factory=list)
    regions: Regions = field(default_factory=Regions)


def read_knowledge(directory: Path) -> tuple[Knowledge, list[KnowledgeError]]:
    """All knowledge under `directory`, and every problem found in it."""
    errors: list[KnowledgeError] = []
    knowledge = Knowledge()
    knowledge.topics = _read_labelled(directory / "topics.yml", "topics", errors)
    knowledge.audiences = _read_labelled(directory / "audiences.yml", "audiences", errors)
    topic_ids = {t["id"] for t in knowledge.topics}
    audience_ids = {a["id"] for a in knowledge.audiences}

    knowledge.synonyms = _read_synonyms(directory / "synonyms.yml", errors)
    knowledge.regions = _read_regions(directory / "regions.yml", errors)

    seen: dict[str, Path] = {}
    article_dir = directory / "articles"
    paths = sorted(article_dir.glob("*.md")) if article_dir.is_dir() else []
    if not paths:
        errors.append(KnowledgeError(article_dir, None, "geen artikelen gevonden (*.md)"))
    for path in paths:
        try:
            article = _read_article(path, topic_ids, audience_ids)
            _unique(article["id"], path, seen)
            knowledge.articles.append(article)
        except KnowledgeError as error:
            errors.append(error)

    providers_path = directory / "providers.yml"
    for index, raw in enumerate(_read_list(providers_path, "providers", errors)):
        try:
            provider = _check_provider(raw, providers_path, index, topic_ids, audience_ids, knowledge.regions)
            _unique(provider["id"], providers_path, seen)
            knowledge.providers.append(provider)
        except KnowledgeError as error:
            errors.append(error)
    return knowledge, errors


def _unique(item_id: str, path: Path, seen: dict[str, Path]) -> None:
    if item_id in seen:
        raise KnowledgeError(path, "id", f"'{item_id}' bestaat al (ook in {seen[item_id]})")
    seen[item_id] = path


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KnowledgeError(path, None, "bestand ontbreekt") from None
    except UnicodeDecodeError:
        raise KnowledgeError(path, None, "geen geldige UTF-8-tekst") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (regel {mark.line + 1})" if mark else ""
        raise KnowledgeError(path, None, f"ongeldige YAML{where}") from None


def _read_list(path: Path, key: str, errors: list[KnowledgeError]) -> list:
    try:
        data = _load_yaml(path)
    except KnowledgeError as error:
        errors.append(error)
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        errors.append(KnowledgeError(path, key, f"verwacht een lijst onder '{key}:'"))
        return []
    return data[key]


def _read_labelled(path: Path, key: str, errors: list[KnowledgeError]) -> list[dict]:
    items, seen = [], set()
    for index, raw in enumerate(_read_list(path, key, errors)):
        try:
            where = f"{key}[{index}]"
            if not isinstance(raw, dict):
                raise KnowledgeError(path, where, "verwacht velden id, label")
            item = {
                "id": _id(raw, path, where),
                "label": _text(raw, "label", path, where),
                "scope": str(raw.get("scope") or "").strip(),
                "keywords": _strings(raw, "keywords", path, where, required=False),
            }
            if item["id"] in seen:
                raise KnowledgeError(path, f"{where}.id", f"'{item['id']}' komt twee keer voor")
            seen.add(item["id"])
            items.append(item)
        except KnowledgeError as error:
            errors.append(error)
    return items


def _read_synonyms(path: Path, errors: list[KnowledgeError]) -> list[dict]:
    groups, seen = [], set()
    for index, raw in enumerate(_read_list(path, "synonyms", errors)):
        where = f"synonyms[{index}]"
        if not isinstance(raw, list) or len(raw) < 2 or not all(isinstance(v, str) and v.strip() for v in raw):
            errors.append(KnowledgeError(path, where, "verwacht een lijst van minstens twee woorden"))
            continue
        terms = [v.strip() for v in raw]
        if terms[0] in seen:
            errors.append(KnowledgeError(path, where, f"groep '{terms[0]}' komt twee keer voor"))
            continue
        seen.add(terms[0])
        groups.append({"id": terms[0], "terms": terms})
    return groups


def _read_article(path: Path, topic_ids: set[str], audience_ids: set[str]) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise KnowledgeError(path, None, "geen geldige UTF-8-tekst") from None
    match = FRONT_MATTER.match(text)
    if not match:
        raise KnowledgeError(path, None, "front matter ontbreekt (begin met '---', velden, '---')")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        raise KnowledgeError(path, None, "ongeldige YAML in de front matter") from None
    if not isinstance(meta, dict):
        raise KnowledgeError(path, None, "front matter moet velden bevatten")
    body = match.group(2).strip()
    article_id = _id(meta, path, None)
    if article_id != path.stem:
        raise KnowledgeError(path, "id", f"'{article_id}' moet gelijk zijn aan de bestandsnaam '{path.stem}'")
    if not body:
        raise KnowledgeError(path, "tekst", "het artikel heeft geen tekst")
    return {
        "id": article_id,
        "title": _text(meta, "title", path, None),
        "summary": _text(meta, "summary", path, None),
        "topics": _ids(meta, "topics", path, None, topic_ids, "onderwerp"),
        "audiences": _ids(meta, "audiences", path, None, audience_ids, "doelgroep"),
        "keywords": _strings(meta, "keywords", path, None, required=False),
        "updated": _date(meta, path),
        "body": body,
        "source": str(path),
    }


def _check_provider(
    raw: Any, path: Path, index: int, topic_ids: set[str], audience_ids: set[str], regions: Regions
) -> dict:
    where = f"providers[{index}]"
    if not isinstance(raw, dict):
        raise KnowledgeError(path, where, "verwacht een aanbieder met velden")
    where = f"providers[{index}] ({raw.get('id', '?')})"
    return {
        "id": _id(raw, path, where),
        "name": _text(raw, "name", path, where),
        "description": _text(raw, "description", path, where),
        "topics": _ids(raw, "topics", path, where, topic_ids, "onderwerp"),
        "audiences": _ids(raw, "audiences", path, where, audience_ids, "doelgroep"),
        "regions": _regions(raw, path, where, regions),
        "services": _strings(raw, "services", path, where),
        "keywords": _strings(raw, "keywords", path, where, required=False),
        "phone": _optional(raw, "phone", path, where),
        "url": _optional_url(raw, path, where),
    }


def _name(where: str | None, key: str) -> str:
    return f"{where}.{key}" if where else key


def _id(raw: dict, path: Path, where: str | None) -> str:
    value = raw.get("id")
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(path, _name(where, "id"), "ontbreekt")
    if not ID_PATTERN.match(value):
        raise KnowledgeError(path, _name(where, "id"), f"'{value}' mag alleen a-z, 0-9 en streepjes bevatten")
    return value


def _text(raw: dict, key: str, path: Path, where: str | None) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(path, _name(where, key), "ontbreekt of is leeg")
    return " ".join(value.split())


def _strings(raw: dict, key: str, path: Path, where: str | None, required: bool = True) -> list[str]:
    value = raw.get(key)
    if value is None and not required:
        return []
    # YAML reads a bare 112 or 1488 as a number; for an editor it is a word.
    if isinstance(value, list):
        value = [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeError(path, _name(where, key), "verwacht een niet-lege lijst met woorden")
    return [v.strip() for v in value]


def _read_regions(path: Path, errors: list[KnowledgeError]) -> Regions:
    """The province and municipality map; without the file providers can only name kinds of area."""
    if not path.exists():
        return Regions()
    try:
        return parse_regions(_load_yaml(path))
    except KnowledgeError as error:
        errors.append(error)
    except ValueError as error:
        errors.append(KnowledgeError(path, None, str(error)))
    return Regions()


def _regions(raw: dict, path: Path, where: str, regions: Regions) -> list[str]:
    values = _strings(raw, "regions", path, where)
    for value in values:
        if value not in KINDS and regions.place(value) is None:
            kinds = ", ".join(KINDS)
            message = f"onbekende regio '{value}': gebruik {kinds}, of een provincie of gemeente uit regions.yml"
            raise KnowledgeError(path, _name(where, "regions"), message)
    return values


def _ids(raw: dict, key: str, path: Path, where: str | None, known: set[str], kind: str) -> list[str]:
    values = _strings(raw, key, path, where)
    for value in values:
        if value not in known:
            raise KnowledgeError(path, _name(where, key), f"onbekend {kind} '{value}'")
    return list(dict.fromkeys(values))


def _optional(raw: dict, key: str, path: Path, where: str | None) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(path, _name(where, key), "verwacht tekst of null")
    return value.strip()


def _optional_url(raw: dict, path: Path, where: str | None) -> str | None:
    value = _optional(raw, "url", path, where)
    if value is not None and not value.startswith("https://"):
        raise KnowledgeError(path, _name(where, "url"), "moet met https:// beginnen, of null zijn")
    return value


def _date(meta: dict, path: Path) -> date:
    value = meta.get("updated")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise KnowledgeError(path, "updated", "verwacht een datum als 2026-11-28")
