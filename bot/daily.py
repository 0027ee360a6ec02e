"""Jobs the web app repeats once a day while it runs: the privacy purge and the insights rollup."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

DAY = 24 * 60 * 60
log = logging.getLogger(__name__)


async def every_day(job: Callable[[], object], name: str, interval: float = DAY) -> None:
    """Runs `job` in a thread at start and then every `interval` seconds; a failed run is logged and
    does not stop the app (the next run catches up)."""
    while True:
        try:
            log.info("%s: %s", name, await asyncio.to_thread(job))
        except Exception:
            log.exception("%s mislukt", name)
        await asyncio.sleep(interval)
