"""`python -m bench --publish`: the last run's summary and charts into docs/, to be committed.

The summary links its charts by their name beside it (nlu.png); in docs/ they
become bench-nlu.png, so they do not clash with other documents' images.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ROOT

DOCS = ROOT / "docs"
DOCUMENT = "benchmarks.md"
PREFIX = "bench-"
CHART = re.compile(r"(!\[[^\]]*\]\()([\w.-]+\.png)\)")


def run(results: Path, sections: Sequence[str], docs: Path = DOCS) -> int:
    """Copies results/summary.md to docs/benchmarks.md; refuses a partial or failed run."""
    try:
        summary = (results / "summary.md").read_text(encoding="utf-8")
        data = json.loads((results / "results.json").read_text(encoding="utf-8"))
    except FileNotFoundError as missing:
        print(f"fout: {missing.filename} ontbreekt; draai eerst `make bench`", file=sys.stderr)
        return 2
    if set(data.get("sections", [])) != set(sections) or data.get("errors"):
        print("fout: de laatste run was niet volledig of niet geheel geslaagd; draai `make bench` opnieuw",
              file=sys.stderr)  # fmt: skip
        return 2
    docs.mkdir(parents=True, exist_ok=True)
    for old in docs.glob(f"{PREFIX}*.png"):  # charts of an earlier run that this one may not have
        old.unlink()
    for _, name in CHART.findall(summary):
        shutil.copy(results / name, docs / f"{PREFIX}{name}")
    (docs / DOCUMENT).write_text(CHART.sub(rf"\g<1>{PREFIX}\g<2>)", summary), encoding="utf-8")
    print(f"Geschreven: {docs / DOCUMENT} en {len(CHART.findall(summary))} grafieken ({docs}/{PREFIX}*.png)")
    return 0
