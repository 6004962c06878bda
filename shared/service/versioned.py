"""Atomic changes of a versioned record: read, decide, compare-and-set, repeat on a race.

Compare-and-set on the record's stored revision instead of a locking transaction:
workers add to a record's counters concurrently, and contended transactions stall,
while a lost race here only costs one more read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from shared.domain.errors import AppError, Unavailable

MAX_RACES = 20
R = TypeVar("R")


def update_versioned(
    load: Callable[[], R],
    compare_and_set: Callable[[R, R], bool],
    change: Callable[[R], R | None],
) -> tuple[R, bool]:
    """Apply `change` (None: leave the record as it is) atomically; returns the record as
    stored and whether this call changed it. `load` raises when the record is missing."""
    for _ in range(MAX_RACES):
        current = load()
        new = change(current)
        if new is None or new == current:
            return current, False
        if compare_and_set(current, new):
            return new, True
    raise Unavailable("The record is being updated by many requests at once; try again.")


def loaded(record: R | None, missing: Callable[[], AppError]) -> R:
    if record is None:
        raise missing()
    return record
