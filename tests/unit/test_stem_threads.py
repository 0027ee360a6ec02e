"""Searches run in several worker threads at once; each word still gets its own stem."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from bot.knowledge.text import stem


def test_stemming_in_many_threads_at_once_gives_the_stems_of_one_thread():
    words = [f"{word}{n}en" for n in range(1500) for word in ("radicaliseringen", "complottheorieen")]
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)  # as in the Rasa server and under load: threads take turns often
    try:
        with ThreadPoolExecutor(8) as pool:
            together = list(pool.map(stem, words))
    finally:
        sys.setswitchinterval(before)
    assert together == [stem.__wrapped__(word) for word in words]
