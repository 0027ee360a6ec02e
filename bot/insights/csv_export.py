"""A table of the insights as CSV: hidden cells as "< 5", shares as fractions, text guarded against formulas."""

from __future__ import annotations

import csv
import io

from bot.insights.report_tables import ReportTable
from bot.insights.suppression import Suppressed

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def table_csv(table: ReportTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")  # ";": Dutch spreadsheets read it as columns
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(_cell(value) for value in row)
    return out.getvalue()


def csv_name(table: ReportTable, since, until) -> str:
    return f"inzicht-{table.name}-{since}-{until}.csv"


def _cell(value) -> str:
    if isinstance(value, Suppressed):
        return str(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    text = str(value)
    # A spreadsheet runs a cell that starts like a formula; a quote keeps it text.
    return f"'{text}" if text.startswith(FORMULA_START) else text
