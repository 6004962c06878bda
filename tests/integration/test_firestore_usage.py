"""FirestoreUsageCounters on the Firestore emulator: exact counts under concurrent job
ends announced twice (`once`), the rows of a dimension over a range of days, and the
service's counting (job ends, request flushes) written through it."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from google.cloud import firestore

from shared.adapters.firestore_usage import MARKS, USAGE, FirestoreUsageCounters
from shared.domain.jobs import Job
from shared.domain.users import User
from shared.service.deps import Limits
from shared.service.ports import UsageRow
from shared.service.usage_counting import count_job_end, count_requests, flush_requests
from tests.fake_records import numbered_job
from tests.fakes import fake_world

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("clean_firestore")]

DAY = "2026-03-01"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def counters(firestore_client: firestore.Client) -> FirestoreUsageCounters:
    return FirestoreUsageCounters(firestore_client)


def test_concurrent_additions_each_made_twice_count_once(
    counters: FirestoreUsageCounters,
) -> None:
    jobs = [(f"job:{n:032x}", f"reader-{n % 4}", n) for n in range(20)]
    attempts = [job for job in jobs for _ in range(2)]  # every end announced twice
    start = threading.Barrier(len(attempts))

    def add(job: tuple[str, str, int]) -> bool:
        name, owner, n = job
        start.wait()
        groups = {"plan": "premium" if n % 2 else "free", "user": owner}
        return counters.add(DAY, groups, {"books": 1, "pages": 10 + n, "failed": 0}, once=name)

    with ThreadPoolExecutor(len(attempts)) as pool:
        firsts = list(pool.map(add, attempts))

    assert firsts.count(True) == 20
    (every,) = counters.rows(DAY, DAY, "all")
    assert every == UsageRow(DAY, "all", {"books": 20, "pages": sum(10 + n for n in range(20))})
    plans = {row.group: row.counts["books"] for row in counters.rows(DAY, DAY, "plan")}
    assert plans == {"free": 10, "premium": 10}
    users = {row.group: row.counts["books"] for row in counters.rows(DAY, DAY, "user")}
    assert users == {f"reader-{n}": 5 for n in range(4)}


def test_rows_of_a_dimension_over_a_range_of_days_by_day_then_group(
    counters: FirestoreUsageCounters, firestore_client: firestore.Client
) -> None:
    for day, user in [
        ("2026-02-28", "ana"),
        ("2026-03-01", "zoé/à.b"),  # any user id: the document's id is derived from it
        ("2026-03-01", "ana"),
        ("2026-03-02", "ben"),
        ("2026-03-03", "ana"),
    ]:
        assert counters.add(day, {"plan": "free", "user": user}, {"requests:reads": 2})
    counters.add("2026-03-01", {"plan": "free", "user": "ana"}, {"requests:reads": 1})

    rows = counters.rows("2026-03-01", "2026-03-02", "user")

    assert [(row.day, row.group, dict(row.counts)) for row in rows] == [
        ("2026-03-01", "ana", {"requests:reads": 3}),
        ("2026-03-01", "zoé/à.b", {"requests:reads": 2}),
        ("2026-03-02", "ben", {"requests:reads": 2}),
    ]
    assert [row.day for row in counters.rows("2026-02-01", "2026-03-31", "all")] == [
        "2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03",
    ]  # fmt: skip
    assert counters.rows("2026-03-01", "2026-03-02", "team") == []
    # No mark for additions made without a name; one document per day, dimension, group.
    assert list(firestore_client.collection(MARKS).stream()) == []
    assert len(list(firestore_client.collection(USAGE).stream())) == 5 + 4 + 4  # users, plans, all


def a_job(number: int) -> Job:
    return numbered_job(number, NOW, page_count=30, sentence_count=250)


def test_job_ends_and_request_flushes_through_the_service(
    counters: FirestoreUsageCounters,
) -> None:
    world = fake_world(Limits(usage_flush_requests=1000, usage_flush_interval=timedelta(hours=1)))
    deps = dataclasses.replace(world.deps, usage=counters)
    job = a_job(1)
    with ThreadPoolExecutor(10) as pool:
        assert sum(pool.map(lambda _: count_job_end(deps, job), range(10))) == 1
    for _ in range(3):
        count_requests(deps, User("reader-1", None, "free"), "reads")
    assert flush_requests(deps) == 3

    every = {row.day: row.counts for row in counters.rows(DAY, DAY, "all")}
    assert every == {DAY: {"books": 1, "completed": 1, "pages": 30, "sentences": 250}}
    day = world.clock().date().isoformat()
    (reader,) = counters.rows(day, day, "user")
    assert (reader.group, dict(reader.counts)) == ("reader-1", {"requests:reads": 3})


def test_a_write_of_many_groups_adds_each_groups_counts(
    counters: FirestoreUsageCounters,
) -> None:
    groups = {("user", f"reader-{n}"): {"requests:reads": n + 1} for n in range(450)}
    groups[("plan", "free")] = {"requests:reads": 7}
    groups[("all", "all")] = {"requests:reads": 7, "requests:exports": 0}
    counters.add_groups(DAY, groups)  # more than one batch of writes
    counters.add_groups(DAY, {("user", "reader-0"): {"requests:reads": 2}})

    users = {row.group: row.counts for row in counters.rows(DAY, DAY, "user")}
    assert len(users) == 450 and users["reader-0"] == {"requests:reads": 3}
    assert users["reader-449"] == {"requests:reads": 450}
    (everyone,) = counters.rows(DAY, DAY, "all")
    assert everyone.counts == {"requests:reads": 7}
