"""Usage counted as work finishes, on fakes: job ends counted once however often they are
announced (20 at once here), the cost estimate, exports, and API requests counted in
memory and written in flushes."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shared.config import Settings
from shared.domain.exports import ExportKind
from shared.domain.ids import JobId
from shared.domain.jobs import Engine, Job, JobSettings, JobStatus
from shared.domain.users import User
from shared.gemini.ports import DEFAULT_MODEL
from shared.service import exports, usage_counting
from shared.service.deps import Limits
from shared.service.job_endings import announce_end, end_job
from shared.service.pricing import DEFAULT_PRICE_TABLE, DEFAULT_PRICES, ModelPrice, price_table
from shared.service.usage_counting import count_export, count_job_end, count_requests
from tests.apps import auth_emulator_mode  # noqa: F401 (an autouse fixture)
from tests.drive import completed_job
from tests.fake_records import FakeUsageCounters
from tests.fakes import FakeWorld, fake_world
from tests.unit.test_api_routes import PREFIX, Frontend

SAMPLE = (Path(__file__).parents[2] / "samples" / "sample-novel.pdf").read_bytes()
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = "2026-03-01"
LITE = "gemini-3.5-flash-lite"


def a_job(
    number: int,
    owner: str = "reader-1",
    status: JobStatus = JobStatus.PROCESSING,
    **changes: Any,
) -> Job:
    job_id = JobId(f"{number:032x}")
    job = Job(
        id=job_id,
        owner_uid=owner,
        status=status,
        filename="roman.pdf",
        size_bytes=1000,
        settings=JobSettings(8),
        object_name=f"uploads/{job_id}.pdf",
        created_at=NOW - timedelta(minutes=5),
        updated_at=NOW - timedelta(minutes=5),
        upload_expires_at=NOW + timedelta(minutes=10),
        page_count=30,
        sentence_count=100 + number,
    )
    return dataclasses.replace(job, **changes)


def counts(world: FakeWorld, dimension: str, key: str, day: str = DAY) -> Mapping[str, int]:
    return world.usage.counts.get((day, dimension, key), {})


def complete(job: Job) -> Job:
    return job.moved_to(JobStatus.COMPLETED, NOW, completed_at=NOW)


# Job ends ------------------------------------------------------------------


def test_twenty_jobs_ending_at_once_each_announced_twice_count_once() -> None:
    world = fake_world()
    jobs = [a_job(n, owner=f"reader-{n % 2}") for n in range(20)]
    for job in jobs:
        world.jobs.add(job)
    start = threading.Barrier(20)

    def end(job: Job) -> bool:
        start.wait()
        stored, changed = end_job(world.deps, job.id, complete)  # announces the end
        announce_end(world.deps, stored)  # a redelivered task announces it again
        return changed

    with ThreadPoolExecutor(20) as pool:
        assert all(pool.map(end, jobs))

    every = counts(world, "all", "all")
    sentences = sum(100 + n for n in range(20))
    assert every == {"books": 20, "completed": 20, "pages": 600, "sentences": sentences}
    assert counts(world, "plan", "free") == every
    even = counts(world, "user", "reader-0")
    assert even["books"] == 10 and even["sentences"] == sum(100 + n for n in range(0, 20, 2))
    assert world.usage.marks == {f"job:{job.id}" for job in jobs}
    assert not any(dimension == "team" for _, dimension, _ in world.usage.counts)


def test_counting_the_same_end_from_many_threads_adds_it_once() -> None:
    world = fake_world()
    job = complete(a_job(1))
    with ThreadPoolExecutor(20) as pool:
        first_times = list(pool.map(lambda _: count_job_end(world.deps, job), range(40)))
    assert first_times.count(True) == 1
    assert counts(world, "all", "all")["books"] == 1


def test_a_failed_job_counts_its_error_code_and_a_cancelled_one_its_end() -> None:
    world = fake_world()
    failed = a_job(1).failed(NOW, "PDF_DAMAGED", "The PDF is damaged.")
    cancelled = a_job(2).moved_to(JobStatus.CANCELLED, NOW, completed_at=NOW, page_count=None)
    assert count_job_end(world.deps, failed) and count_job_end(world.deps, cancelled)

    every = counts(world, "all", "all")
    assert every["books"] == 2 and every["failed"] == 1 and every["cancelled"] == 1
    assert every["failed:PDF_DAMAGED"] == 1 and "completed" not in every
    assert every["pages"] == 30  # the cancelled job's pages were never counted


def test_a_job_that_has_not_ended_counts_nothing() -> None:
    world = fake_world()
    assert not count_job_end(world.deps, a_job(1))
    announce_end(world.deps, a_job(2, status=JobStatus.QUEUED))
    assert world.usage.counts == {} and world.usage.marks == set()


def test_the_day_is_the_utc_day_the_job_ended() -> None:
    world = fake_world()
    paris_night = datetime(2026, 3, 2, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    job = a_job(1).moved_to(JobStatus.COMPLETED, paris_night, completed_at=paris_night)
    count_job_end(world.deps, job)
    assert counts(world, "all", "all", "2026-03-01")["books"] == 1


def test_a_job_counts_for_its_plan_and_its_team_when_it_names_them() -> None:
    world = fake_world()
    job = dataclasses.replace(complete(a_job(1, owner="teacher")), plan="premium")
    count_job_end(world.deps, dataclasses.replace(job, team_id="team-7"))

    assert counts(world, "plan", "premium")["books"] == 1
    assert counts(world, "team", "team-7")["books"] == 1
    assert counts(world, "user", "teacher")["books"] == 1
    assert "free" not in {key for _, dimension, key in world.usage.counts if dimension == "plan"}


def test_a_gemini_job_counts_its_calls_tokens_and_estimated_cost() -> None:
    world = fake_world()
    usage = {"prompt_tokens": 1_000_000, "output_tokens": 100_000, "thinking_tokens": 20_000}
    job = complete(a_job(1, engine=Engine.GEMINI, model=LITE, model_calls=12, **usage))
    count_job_end(world.deps, job)

    every = counts(world, "all", "all")
    assert {name: every[name] for name in usage} == usage
    assert every["model_calls"] == 12
    # $0.30 per million input tokens, $2.50 per million output (thinking included).
    assert every["cost_micro_usd"] == 300_000 + 300_000


def test_metrics_follow_what_was_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded: list[tuple[str, int, dict[str, str]]] = []

    class Counter:
        def __init__(self, name: str) -> None:
            self.name = name

        def add(self, value: int, attributes: dict[str, str]) -> None:
            recorded.append((self.name, value, dict(attributes)))

    class Instruments:
        def __getattr__(self, name: str) -> Counter:
            return Counter(name)

    monkeypatch.setattr(usage_counting, "instruments", Instruments)
    world = fake_world()
    job = a_job(1, engine=Engine.GEMINI, model=LITE, prompt_tokens=1000, output_tokens=10)
    failed = job.failed(NOW, "CHUNK_FAILED", "A chunk failed.")
    count_job_end(world.deps, failed)
    count_job_end(world.deps, failed)  # announced again: no metric either

    by_name = {name: (value, attributes) for name, value, attributes in recorded}
    assert by_name["usage_books"] == (1, {"plan": "free", "status": "failed"})
    assert by_name["usage_pages"] == (30, {"plan": "free"})
    assert by_name["usage_failures"] == (1, {"plan": "free", "code": "CHUNK_FAILED"})
    assert by_name["usage_cost"] == (round(1000 * 0.30 + 10 * 2.50), {"plan": "free"})
    tokens = [(v, a["kind"]) for n, v, a in recorded if n == "usage_model_tokens"]
    assert sorted(tokens) == [(10, "output"), (1000, "prompt")]

    recorded.clear()
    count_requests(world.deps, User("reader-1", None, "premium"), "reads")
    assert recorded == [("usage_requests", 1, {"plan": "premium", "class": "reads"})]


# Prices ----------------------------------------------------------------------


def test_the_price_of_a_model_is_its_longest_prefix_and_unpriced_models_cost_nothing() -> None:
    table = DEFAULT_PRICE_TABLE
    assert table.price_of("gemini-3.5-flash-lite-001") == DEFAULT_PRICES[LITE]
    assert table.price_of("models/gemini-3.5-flash") == DEFAULT_PRICES["gemini-3.5-flash"]
    assert table.price_of(DEFAULT_MODEL) is not None, "the default model has no price"
    assert table.cost_micro_usd(None, 10**6, 10**6, 0) == 0  # the offline engine
    assert table.cost_micro_usd("not-a-gemini", 10**6, 10**6, 0) == 0
    assert table.cost_micro_usd("gemini-2.5-flash", 2_000_000, 0, 1_000_000) == 600_000 + 2_500_000


def test_configured_prices_replace_and_add_to_the_defaults() -> None:
    overrides = {LITE: {"input": 0.5, "output": 4}, "gemini-9-flash": {"input": 1, "output": 2}}
    settings = Settings(model_prices=json.dumps(overrides))
    prices = settings.limits().model_prices

    assert prices.price_of(LITE) == ModelPrice(0.5, 4.0)
    assert prices.price_of("gemini-9-flash-preview") == ModelPrice(1.0, 2.0)
    assert prices.price_of("gemini-2.5-pro") == DEFAULT_PRICES["gemini-2.5-pro"]
    assert Settings().limits().model_prices == price_table("")


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        '["gemini-x", 1]',
        '{"gemini-x": {"input": -1, "output": 1}}',
        '{"gemini-x": {"input": 1}}',
        '{"gemini-x": {"input": 1, "output": 1, "cached": 0.1}}',
        '{"gemini-x": {"input": "free", "output": 1}}',
        '{"": {"input": 1, "output": 1}}',
        '{"gemini-x": {"input": Infinity, "output": 1}}',
    ],
)
def test_bad_prices_stop_the_instance_at_start(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid model prices"):
        price_table(bad)
    with pytest.raises(ValidationError, match="model_prices"):
        Settings(model_prices=bad)


def test_the_request_flush_settings_reach_the_limits() -> None:
    limits = Settings(usage_flush_requests=7, usage_flush_seconds=2.5).limits()
    assert limits.usage_flush_requests == 7
    assert limits.usage_flush_interval == timedelta(seconds=2.5)


# Exports ---------------------------------------------------------------------


def test_an_export_done_counts_once_by_kind() -> None:
    world = fake_world()
    job_id = completed_job(world, SAMPLE)
    order = exports.ExportOrder(ExportKind.CSV, ("index", "sentence"))
    done = exports.start_export(world.deps, "reader-1", JobId(job_id), order, None)
    assert done.status == "done"
    again = exports.run_export(world.deps, done.id, None)  # already done: nothing new
    assert again.status == "done"
    assert not count_export(world.deps, done)

    day = done.finished_at.date().isoformat() if done.finished_at else ""
    assert counts(world, "all", "all", day)["exports:csv"] == 1
    assert counts(world, "user", "reader-1", day)["exports:csv"] == 1
    assert f"export:{done.id}" in world.usage.marks


# API requests ----------------------------------------------------------------


class RecordingCounters(FakeUsageCounters):
    """The fake counters, noting each write of request counts; failing the next
    `failures` of them."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[str, dict[tuple[str, str], dict[str, int]]]] = []
        self.failures = 0

    def add_groups(self, day: str, counts: Mapping[tuple[str, str], Mapping[str, int]]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Firestore is away")
        self.writes.append((day, {group: dict(values) for group, values in counts.items()}))
        super().add_groups(day, counts)


def counting_world(requests: int = 5, seconds: float = 60) -> tuple[FakeWorld, RecordingCounters]:
    limits = Limits(usage_flush_requests=requests, usage_flush_interval=timedelta(seconds=seconds))
    world = fake_world(limits)
    recording = RecordingCounters()
    world.deps = dataclasses.replace(world.deps, usage=recording)
    world.usage = recording
    return world, recording


READER = User("reader-1", "reader@example.com", "free")
PREMIUM = User("reader-2", None, "premium")


def test_requests_are_written_once_enough_of_them_were_counted() -> None:
    world, recording = counting_world(requests=5)
    for user, rate_class in [(READER, "reads")] * 3 + [(PREMIUM, "processing")]:
        count_requests(world.deps, user, rate_class)
    assert recording.writes == []  # held in memory

    count_requests(world.deps, READER, "exports")  # the fifth: one write, each group once
    day = world.clock().date().isoformat()
    ((written_day, groups),) = recording.writes
    everything = {"requests:reads": 3, "requests:exports": 1, "requests:processing": 1}
    assert (written_day, groups) == (
        day,
        {
            ("user", "reader-1"): {"requests:reads": 3, "requests:exports": 1},
            ("user", "reader-2"): {"requests:processing": 1},
            ("plan", "free"): {"requests:reads": 3, "requests:exports": 1},
            ("plan", "premium"): {"requests:processing": 1},
            ("all", "all"): everything,
        },
    )
    assert counts(world, "all", "all", day) == everything


def test_requests_are_written_once_enough_time_passed() -> None:
    world, recording = counting_world(requests=1000, seconds=60)
    count_requests(world.deps, READER, "reads")
    world.clock.advance(timedelta(seconds=59))
    count_requests(world.deps, READER, "reads")
    assert recording.writes == []
    world.clock.advance(timedelta(seconds=1))
    count_requests(world.deps, READER, "reads")
    ((_, groups),) = recording.writes
    assert groups[("user", "reader-1")] == {"requests:reads": 3}


def test_requests_of_each_day_count_for_that_day() -> None:
    world, recording = counting_world(requests=1000, seconds=24 * 3600)
    count_requests(world.deps, READER, "reads")
    world.clock.advance(timedelta(days=1))
    count_requests(world.deps, READER, "reads")
    assert sorted((day, groups[("all", "all")]) for day, groups in recording.writes) == [
        ("2026-01-01", {"requests:reads": 1}),
        ("2026-01-02", {"requests:reads": 1}),
    ]


def test_counts_that_could_not_be_written_are_kept_for_the_next_flush() -> None:
    world, recording = counting_world(requests=2)
    recording.failures = 1
    count_requests(world.deps, READER, "reads")
    count_requests(world.deps, READER, "reads")  # flushes, and fails: the request goes on
    assert recording.writes == []
    count_requests(world.deps, READER, "reads")
    ((_, groups),) = recording.writes
    assert groups[("user", "reader-1")] == {"requests:reads": 3}


def test_requests_counted_by_many_threads_are_all_written() -> None:
    world, recording = counting_world(requests=7)
    users = [User(f"reader-{n}", None, "free" if n % 2 else "premium") for n in range(20)]
    start = threading.Barrier(20)

    def requests(user: User) -> None:
        start.wait()
        for _ in range(50):
            count_requests(world.deps, user, "reads")

    with ThreadPoolExecutor(20) as pool:
        list(pool.map(requests, users))
    usage_counting.flush_requests(world.deps)  # what is left

    day = world.clock().date().isoformat()
    assert counts(world, "all", "all", day) == {"requests:reads": 1000}
    assert counts(world, "plan", "premium", day) == {"requests:reads": 500}
    assert all(counts(world, "user", u.uid, day) == {"requests:reads": 50} for u in users)
    assert all(len(set(groups)) == len(groups) for _, groups in recording.writes)


def test_requests_through_the_api_count_by_rate_class_and_the_callers_role() -> None:
    world, _ = counting_world(requests=3)
    ui = Frontend(world)
    ui.json("GET", f"{PREFIX}/jobs")
    ui.json("GET", f"{PREFIX}/settings")
    assert world.usage.counts == {}
    ui.json("POST", f"{PREFIX}/uploads", 201, json={"filename": "a.pdf", "size_bytes": 9})
    ui.json("GET", f"{PREFIX}/health")  # public: no rate class, not counted

    day = world.clock().date().isoformat()
    expected = {"requests:reads": 2, "requests:processing": 1}
    assert counts(world, "user", "reader-1", day) == expected
    assert counts(world, "plan", "free", day) == expected


@pytest.mark.parametrize("plan", ["premium", "admin"])
def test_an_export_counts_for_the_plan_it_was_made_under(plan: str) -> None:
    world = fake_world()
    job_id = completed_job(world, SAMPLE)
    order = exports.ExportOrder(ExportKind.XLSX, ("index", "sentence"))

    done = exports.start_export(world.deps, "reader-1", JobId(job_id), order, None, plan=plan)

    day = done.finished_at.date().isoformat() if done.finished_at else ""
    assert world.exports.get(done.id).plan == plan  # type: ignore[union-attr]
    assert counts(world, "plan", plan, day)["exports:xlsx"] == 1
    assert "exports:xlsx" not in counts(world, "plan", "free", day)
