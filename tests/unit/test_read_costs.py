"""What a read request costs in Firestore operations, with the limiters wired as the
composition root wires them: at most one read and no write per request in the common
case (a user polling their job, history, settings and usage)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from shared.ratelimit import EndpointClass, MemoryRateLimiter, Quota
from shared.ratelimit.leased import LeasedRateLimiter, MemoryLedger
from shared.ratelimit.recent_peeks import RecentPeeks
from shared.ratelimit.windows import Decision, Window
from shared.service.user_settings import CachedUserSettings
from tests.apps import auth_emulator_mode  # noqa: F401 (an autouse fixture)
from tests.fakes import fake_world
from tests.unit.test_api_routes import PREFIX, Frontend

ops: Counter[str] = Counter()  # Firestore operations the fakes stand for, by kind


class Counted:
    """A fake port whose named methods count as Firestore reads or writes."""

    def __init__(self, inner: Any, reads: set[str], writes: set[str]) -> None:
        self._inner, self._reads, self._writes = inner, reads, writes

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._inner, name)
        if name in self._reads | self._writes and callable(found):
            kind = "read" if name in self._reads else "write"

            def counted(*args: Any, **kwargs: Any) -> Any:
                ops[kind] += 1
                return found(*args, **kwargs)

            return counted
        return found


class CountedLedger(MemoryLedger):
    def lease(self, key: str, window: Window, slots: int) -> int:
        ops["write"] += 1
        return super().lease(key, window, slots)

    def leased(self, key: str, window: Window) -> int:
        ops["read"] += 1
        return super().leased(key, window)


class CountedExact(MemoryRateLimiter):
    """The exact limiter's cost: a count and a create to admit, a count to peek."""

    def acquire(self, key: str, quota: Quota, now: datetime) -> Decision:
        ops.update(read=1, write=1)
        return super().acquire(key, quota, now)

    def peek(self, key: str, quota: Quota, now: datetime) -> Decision:
        ops["read"] += 1
        return super().peek(key, quota, now)


@pytest.fixture
def frontend() -> Frontend:
    world = fake_world()
    exact = RecentPeeks(CountedExact())
    limiters = {
        EndpointClass.PROCESSING: exact,
        EndpointClass.EXPORTS: exact,
        EndpointClass.READS: RecentPeeks(LeasedRateLimiter(CountedLedger())),
    }
    world.deps = dataclasses.replace(
        world.deps,
        jobs=Counted(world.jobs, {"get", "list_for_owner", "result_parts"}, {"add"}),
        users=CachedUserSettings(Counted(world.users, {"get"}, {"put"})),
        rate_limiters=limiters,
    )
    return Frontend(world)


READS: dict[str, Callable[[str], str]] = {
    "job status": lambda job_id: f"{PREFIX}/jobs/{job_id}",
    "history": lambda _: f"{PREFIX}/jobs",
    "settings": lambda _: f"{PREFIX}/settings",
    "usage": lambda _: f"{PREFIX}/me",
}


@pytest.mark.parametrize("read", list(READS))
def test_a_user_polling_costs_at_most_one_read_and_no_write_per_request(
    frontend: Frontend, read: str
) -> None:
    job_id = frontend.upload_and_process()
    frontend.json("GET", READS[read](job_id))  # the first: what a cold cache pays
    ops.clear()
    polls = 60

    for _ in range(polls):
        frontend.json("GET", READS[read](job_id))

    assert ops["read"] <= polls, ops
    # The read quota's blocks: one lease per 30 requests of the free plan's 300 a minute.
    assert ops["write"] <= -(-polls // 30), ops
