"""Charts drawn on the server as SVG strings: lines over time and horizontal bars.

The viewBox is 360 wide, the width of a phone, so at 375 px the text stays at its size (12 units).
Every label is escaped. A hidden ("< 5") or empty value leaves a gap in a line and is written
beside a bar; the chart's table (the same rows) goes beside it for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.insights.kpis import Insights
from bot.insights.report_tables import ReportTable, cell_text

WIDTH, LEFT, RIGHT, TOP, PLOT_HEIGHT = 360, 40, 10, 28, 150
BAR, LABEL_WIDTH = 22, 150
COLOURS = ("#1f5fa8", "#c0392b", "#2e8540", "#8e44ad", "#b35900")  # each at least 4.5:1 on white


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str
    table: ReportTable  # the same figures as text, and for the CSV


def _svg(height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-label="{escape(title)}" font-family="sans-serif" font-size="12">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")  # fmt: skip


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def line_chart(table: ReportTable, columns: list[int], title: str) -> Chart:
    """One line per column over the table's rows (its first column: the periods); shares on 0–100 %."""
    rows = [row for row in table.rows if row[0] != "Totaal"]
    values = [[_number(row[c]) for row in rows] for c in columns]
    # All zero (a quiet period) still needs a scale: 1, not a division by zero.
    top = 1.0 if set(columns) <= table.percent else max([v for s in values for v in s if v is not None] or [1.0]) or 1.0
    step = (WIDTH - LEFT - RIGHT) / max(len(rows) - 1, 1)
    body = [f'<line x1="{LEFT}" y1="{TOP + PLOT_HEIGHT}" x2="{WIDTH - RIGHT}" y2="{TOP + PLOT_HEIGHT}" stroke="#555"/>',
            f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{escape(_axis(top, table.percent))}</text>',
            f'<text x="{LEFT - 4}" y="{TOP + PLOT_HEIGHT}" text-anchor="end">0</text>']  # fmt: skip
    for n, series in enumerate(values):
        colour = COLOURS[n % len(COLOURS)]
        for part in _runs(series):
            points = " ".join(f"{LEFT + i * step:.1f},{TOP + PLOT_HEIGHT * (1 - v / top):.1f}" for i, v in part)
            body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
            body += [f'<circle cx="{LEFT + i * step:.1f}" cy="{TOP + PLOT_HEIGHT * (1 - v / top):.1f}" r="3" '
                     f'fill="{colour}"/>' for i, v in part]  # fmt: skip
        name = escape(table.columns[columns[n]])
        body.append(f'<text x="{LEFT + (n % 2) * 160}" y="{TOP + PLOT_HEIGHT + 24 + (n // 2) * 16}" '
                    f'fill="{colour}">■ {name}</text>')  # fmt: skip
    if rows:
        body.append(f'<text x="{LEFT}" y="{TOP - 10}">{escape(str(rows[0][0]))}</text>')
        body.append(f'<text x="{WIDTH - RIGHT}" y="{TOP - 10}" text-anchor="end">{escape(str(rows[-1][0]))}</text>')
    height = TOP + PLOT_HEIGHT + 24 + ((len(columns) + 1) // 2) * 16
    chart_table = ReportTable(
        table.name,
        title,
        (table.columns[0], *(table.columns[c] for c in columns)),
        tuple((row[0], *(row[c] for c in columns)) for row in rows),
        _moved(table, columns),
    )
    return Chart(title, _svg(height, title, body), chart_table)


def bar_chart(table: ReportTable, column: int, title: str, limit: int = 10) -> Chart:
    """Horizontal bars of one column, the rows' first column as labels; at most `limit` bars."""
    rows = list(table.rows[:limit])
    numbers = [_number(row[column]) for row in rows]
    top = max([n for n in numbers if n is not None] or [1.0]) or 1.0
    percent = column in table.percent
    body = []
    for i, (row, number) in enumerate(zip(rows, numbers, strict=True)):
        y = TOP + i * (BAR + 8)
        body.append(f'<text x="0" y="{y + 15}">{escape(_short(str(row[0])))}</text>')
        width = 0 if number is None else (WIDTH - LABEL_WIDTH - 50) * number / top
        body.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{COLOURS[0]}"/>')
        body.append(
            f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + 15}">{escape(cell_text(row[column], percent))}</text>'
        )
    chart_table = ReportTable(
        table.name,
        title,
        (table.columns[0], table.columns[column]),
        tuple((row[0], row[column]) for row in rows),
        frozenset({1}) if percent else frozenset(),
    )
    return Chart(title, _svg(TOP + len(rows) * (BAR + 8) + 8, title, body), chart_table)


def insight_charts(found: Insights) -> list[Chart]:
    """The page's charts: the rates over time, conversations per period, handoffs by reason and mode."""
    kpis = found.kpi_table()
    extra = {table.name: table for table in found.extra}
    return [
        line_chart(kpis, [3, 4, 5, 6], "Containment, fallback, overdracht en CSAT"),
        line_chart(kpis, [1], "Gesprekken per periode"),
        bar_chart(extra["overdracht"], 1, "Gesprekken met overdracht, per reden en wijze"),
        bar_chart(extra["onderwerpen"], len(extra["onderwerpen"].columns) - 1, "Onderwerpen in de laatste periode"),
    ]


def _runs(series: list[float | None]) -> list[list[tuple[int, float]]]:
    """The series cut at its gaps: a hidden value is not drawn as zero."""
    runs, current = [], []
    for i, value in enumerate(series):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, value))
    return [*runs, current] if current else runs


def _axis(top: float, percent: frozenset[int]) -> str:
    return "100 %" if top == 1.0 and percent else f"{top:g}"


def _moved(table: ReportTable, columns: list[int]) -> frozenset[int]:
    return frozenset(n + 1 for n, c in enumerate(columns) if c in table.percent)


def _short(label: str, size: int = 22) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
