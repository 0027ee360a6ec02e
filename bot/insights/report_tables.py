"""A table of the insights as the page, the CSV and the terminal show it: a title, columns and rows."""

from __future__ import annotations

from dataclasses import dataclass

from bot.insights.suppression import Suppressed


@dataclass(frozen=True)
class ReportTable:
    name: str  # for the CSV's file name
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    percent: frozenset[int] = frozenset()  # the columns that hold a share (0–1)


def cell_text(value, percent: bool = False) -> str:
    """A cell as people read it: "< 5", a percentage with one decimal, or the value; "–" for none."""
    if isinstance(value, Suppressed):
        return str(value)
    if value is None:
        return "–"
    if percent and isinstance(value, float | int):
        return f"{value * 100:.1f} %".replace(".", ",")
    return str(value)
