"""Where a provider works: areas by kind, and places from the editors' map.

A provider's `regions` name a kind of area (landelijk, europees, regionaal,
lokaal) or a place from knowledge/regions.yml: a province or one of its main
municipalities. The map lets "Zwolle" find a provider of Overijssel and
"provincie Overijssel" one of Zwolle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.config import ROOT
from bot.knowledge.text import words

MAP = ROOT / "knowledge" / "regions.yml"
EVERYWHERE = ("landelijk", "europees")  # bodies that serve every place
IN_EVERY_PLACE = ("regionaal", "lokaal")  # bodies every region or municipality has its own of
KINDS = EVERYWHERE + IN_EVERY_PLACE
PROVINCE = "provincie"
MUNICIPALITY = "gemeente"


def key(name: str) -> str:
    return " ".join(words(name))


@dataclass(frozen=True)
class Place:
    kind: str  # PROVINCE or MUNICIPALITY
    name: str
    province: str  # a province's own name for a province

    @property
    def value(self) -> str:
        """How a form or providers.yml names it without ambiguity ("provincie Utrecht", "Utrecht")."""
        return f"{PROVINCE} {self.name}" if self.kind == PROVINCE else self.name


class Regions:
    def __init__(self, provinces: dict[str, list[str]] | None = None, aliases: dict[str, str] | None = None):
        self.provinces = {key(p): Place(PROVINCE, p, p) for p in provinces or {}}
        self.municipalities = {key(m): Place(MUNICIPALITY, m, p) for p, ms in (provinces or {}).items() for m in ms}
        self.aliases = {key(alias): key(name) for alias, name in (aliases or {}).items()}

    def place(self, name: str | None) -> Place | None:
        """The place a name stands for; a bare name that is both means the municipality."""
        folded = key(name or "")
        kind, _, rest = folded.partition(" ")
        if kind == PROVINCE:
            return self.provinces.get(self.aliases.get(rest, rest))
        if kind == MUNICIPALITY:
            return self.municipalities.get(self.aliases.get(rest, rest))
        folded = self.aliases.get(folded, folded)
        return self.municipalities.get(folded) or self.provinces.get(folded)

    def grouped(self) -> list[tuple[Place, list[Place]]]:
        """Each province with its municipalities, alphabetical: the choices of a region filter."""
        provinces = sorted(self.provinces.values(), key=lambda p: p.name)
        towns = sorted(self.municipalities.values(), key=lambda m: key(m.name))
        return [(p, [m for m in towns if m.province == p.name]) for p in provinces]

    def serves(self, regions: Sequence[str], asked: str) -> bool:
        """Whether a provider with these regions works in the place asked about.

        The same place, or a province and a municipality in it; a place the map
        does not know only matches itself. Kinds (landelijk, regionaal) never match a place.
        """
        wanted = self.place(asked)
        if wanted is None:
            return key(asked) in {key(r) for r in regions}
        places = [place for place in map(self.place, regions) if place]
        return any(
            place == wanted or (PROVINCE in (place.kind, wanted.kind) and place.province == wanted.province)
            for place in places
        )


def parse_regions(data: object) -> Regions:
    """The map from regions.yml; ValueError with a Dutch message for an editor when it is malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("provinces"), list):
        raise ValueError("verwacht een lijst onder 'provinces:'")
    provinces: dict[str, list[str]] = {}
    for index, item in enumerate(data["provinces"]):
        towns = item.get("municipalities") if isinstance(item, dict) else None
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not isinstance(towns, list) or not all(isinstance(t, str) for t in towns):
            raise ValueError(f"provinces[{index}]: verwacht 'name' en een lijst 'municipalities'")
        provinces[name.strip()] = [t.strip() for t in towns]
    aliases = data.get("aliases") or {}
    if not isinstance(aliases, dict):
        raise ValueError("'aliases' verwacht paren als 'Den Bosch: \"'s-Hertogenbosch\"'")
    regions = Regions(provinces, {})
    for alias, name in aliases.items():
        if not isinstance(name, str) or regions.place(name) is None:
            raise ValueError(f"aliases: '{alias}' verwijst naar '{name}', die niet in de lijst staat")
    return Regions(provinces, {str(alias): name for alias, name in aliases.items()})


@lru_cache(maxsize=4)
def load_regions(path: Path = MAP) -> Regions:
    """The editors' map, read once per process; no file means only kinds of area."""
    if not path.exists():
        return Regions()
    return parse_regions(yaml.safe_load(path.read_text(encoding="utf-8")))
