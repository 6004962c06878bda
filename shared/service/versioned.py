"""Atomic changes of a versioned record: read, decide, compare-and-set, repeat on a race.

Compare-and-set on the record's stored revision instead of a locking transaction:
workers add to a record's counters concurrently, and contended transactions stall,
while a lost race here only costs one more read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from shared.domain.errors import AppError, Unavailable

MAX_RACES = 20
R = TypeVar("R")
Owned = TypeVar("Owned", bound="HasOwner")


class HasOwner(Protocol):
    @property
    def owner_uid(self) -> str: ...


class Versioned(Protocol[R]):
    """A repository of versioned records (jobs, batches, webhook endpoints)."""

    def get(self, record_id: Any) -> R | None: ...

    def compare_and_set(self, current: R, new: R) -> bool: ...


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


def update_stored(
    records: Versioned[R],
    record_id: str,
    change: Callable[[R], R | None],
    missing: Callable[[], AppError],
) -> tuple[R, bool]:
    """`update_versioned` on a repository's record; `missing` is raised if it is gone."""
    return update_versioned(
        lambda: loaded(records.get(record_id), missing), records.compare_and_set, change
    )


def loaded(record: R | None, missing: Callable[[], AppError]) -> R:
    if record is None:
        raise missing()
    return record


def owned(record: Owned | None, owner_uid: str, missing: Callable[[], AppError]) -> Owned:
    """The record if `owner_uid` owns it; another user's answers exactly like a missing one,
    so ids reveal nothing."""
    if record is None or record.owner_uid != owner_uid:
        raise missing()
    return record
