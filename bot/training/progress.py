"""A retrain's steps on the terminal, each with its time and the previous run's as an estimate."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager


def duration(seconds: float) -> str:
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


# How Progress's own lines start, so the maintainers' page can pick them out of a whole run's output.
PROGRESS_LINE = re.compile(r"^(Verwachte duur|\[\d+/\d+\] |\s+klaar in )")


class Progress:
    """Each step with its elapsed time, and an estimate from the previous run's timings."""

    def __init__(self, timings: dict[str, float], total: int):
        self.previous, self.timings, self.total, self.number = dict(timings), timings, total, 0
        self.started = time.monotonic()
        if self.previous:
            print(f"Verwachte duur (vorige keer): {duration(sum(self.previous.values()))}.", flush=True)

    @contextmanager
    def step(self, key: str, label: str) -> Iterator[None]:
        self.number += 1
        estimate = self.previous.get(key)
        hint = f" (vorige keer {duration(estimate)})" if estimate else ""
        print(f"[{self.number}/{self.total}] {label}{hint}...", flush=True)
        began = time.monotonic()
        yield
        self.timings[key] = time.monotonic() - began
        print(f"      klaar in {duration(self.timings[key])}, "
              f"totaal {duration(time.monotonic() - self.started)}", flush=True)  # fmt: skip
