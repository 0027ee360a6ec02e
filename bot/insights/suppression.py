"""Small numbers are not shown: a figure from fewer than 5 conversations is "< 5".

A count is hidden when it is not zero and comes from fewer than 5 conversations. A rate is hidden
when its population has fewer than 5 conversations or its numerator is 1 to 4: "2 of 300" would
otherwise be readable from "0.7 %". Zero is shown: it points at nobody.
"""

from __future__ import annotations

MIN_CONVERSATIONS = 5


class Suppressed:
    """The value of a hidden cell; one instance, SUPPRESSED."""

    def __str__(self) -> str:
        return f"< {MIN_CONVERSATIONS}"

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED = Suppressed()
Count = int | Suppressed
Rate = float | Suppressed | None  # None: nothing to divide by


def small(n: int) -> bool:
    return 0 < n < MIN_CONVERSATIONS


def count_cell(n: int, conversations: int) -> Count:
    return SUPPRESSED if n and conversations < MIN_CONVERSATIONS else n


def rate_cell(part: int, whole: int, conversations: int) -> Rate:
    if not whole:
        return None
    if conversations < MIN_CONVERSATIONS or small(part):
        return SUPPRESSED
    return part / whole
