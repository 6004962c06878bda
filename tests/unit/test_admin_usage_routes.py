"""The admins' usage routes through the API in process, on fakes: admins only, each
grouping, the totals, the CSV download and the ranges refused."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.domain.jobs import Job, JobError, JobStatus
from shared.service.usage_counting import count_job_end
from tests.apps import auth_emulator_mode, token_for  # noqa: F401 (an autouse fixture)
from tests.fake_records import numbered_job
from tests.fakes import fake_world
from tests.unit.test_api_routes import PREFIX, Frontend

USAGE = f"{PREFIX}/admin/usage"
DAY_1, DAY_2 = datetime(2026, 3, 1, 10, tzinfo=UTC), datetime(2026, 3, 2, 10, tzinfo=UTC)
RANGE = "from=2026-03-01&to=2026-03-02"


@contextmanager
def as_role(ui: Frontend, uid: str, role: str) -> Iterator[Frontend]:
    """The same frontend signed in as `uid` with `role`, for the block."""
    before = ui.auth
    ui.auth = {"Authorization": f"Bearer {token_for(uid, role=role)}"}
    try:
        yield ui
    finally:
        ui.auth = before


def ended_job(number: int, owner: str, at: datetime, status: JobStatus, **changes: Any) -> Job:
    sizes = {"page_count": 10 * number, "sentence_count": 100 * number}
    return numbered_job(number, at, owner_uid=owner, status=status, **sizes, **changes)


def planned(job: Job, plan: str, team_id: str | None = None) -> Job:
    return dataclasses.replace(job, plan=plan, team_id=team_id)


@pytest.fixture
def ui() -> Frontend:
    world = fake_world()
    deps = world.deps
    count_job_end(deps, ended_job(1, "ana", DAY_1, JobStatus.COMPLETED))
    count_job_end(deps, planned(ended_job(2, "ben", DAY_1, JobStatus.COMPLETED), "premium", "t1"))
    damaged = JobError("PDF_DAMAGED", "The PDF is damaged.")
    count_job_end(deps, ended_job(3, "ana", DAY_2, JobStatus.FAILED, error=damaged))
    count_job_end(deps, ended_job(4, "=cmd|' /C calc'!A0", DAY_2, JobStatus.COMPLETED))
    return Frontend(world)


def drive_admin_usage_routes(ui: Frontend) -> None:
    """Both admin routes' happy paths, after `ui`'s user completed a book today (the
    route-coverage test calls this too)."""
    today = ui.world.clock().date().isoformat()
    with as_role(ui, "admin-1", "admin"):
        report = ui.json("GET", f"{USAGE}?from={today}&to={today}&group_by=user")
        mine = {row["group"]: row["counts"] for row in report["rows"]}["reader-1"]
        assert mine["books"] >= 1 and mine["completed"] >= 1 and mine["sentences"] > 0
        response = ui.request("GET", f"{USAGE}.csv?from={today}&to={today}")
        assert (response.status_code, response.mimetype) == (200, "text/csv")
        assert response.get_data().decode("utf-8-sig").startswith("day,group,books,")


def test_only_admins_read_usage(ui: Frontend) -> None:
    for path in (f"{USAGE}?{RANGE}", f"{USAGE}.csv?{RANGE}"):
        for role in ("free", "premium"):
            with as_role(ui, "someone", role):
                error = ui.json("GET", path, 403)["error"]
                assert (error["code"], error["details"]) == ("ADMIN_ONLY", {"role": role})
        response = ui.request("GET", path, headers={"Authorization": ""})
        assert response.status_code == 401


def test_usage_by_day_with_totals(ui: Frontend) -> None:
    with as_role(ui, "admin-1", "admin"):
        report = ui.json("GET", f"{USAGE}?{RANGE}")

    assert (report["first_day"], report["last_day"], report["group_by"]) == (
        "2026-03-01", "2026-03-02", "day",
    )  # fmt: skip
    rows = {(row["day"], row["group"]): row["counts"] for row in report["rows"]}
    assert rows == {
        ("2026-03-01", "all"): {"books": 2, "completed": 2, "pages": 30, "sentences": 300},
        ("2026-03-02", "all"): {
            "books": 2, "completed": 1, "failed": 1, "failed:PDF_DAMAGED": 1,
            "pages": 70, "sentences": 700,
        },
    }  # fmt: skip
    assert report["totals"] == {
        "books": 4, "completed": 3, "failed": 1, "failed:PDF_DAMAGED": 1,
        "pages": 100, "sentences": 1000,
    }  # fmt: skip
    assert report["groups"] == [{"group": "all", "counts": report["totals"]}]
    assert report["counters"] == sorted(report["totals"])


def test_usage_by_plan_team_and_user(ui: Frontend) -> None:
    def grouped(group_by: str) -> dict[str, dict[str, int]]:
        with as_role(ui, "admin-1", "admin"):
            report = ui.json("GET", f"{USAGE}?{RANGE}&group_by={group_by}")
        assert report["group_by"] == group_by
        return {g["group"]: g["counts"] for g in report["groups"]}

    plans = grouped("plan")
    assert {plan: counts["books"] for plan, counts in plans.items()} == {"free": 3, "premium": 1}
    assert grouped("team") == {"t1": {"books": 1, "completed": 1, "pages": 20, "sentences": 200}}
    users = grouped("user")
    assert {user: counts["books"] for user, counts in users.items()} == {
        "ana": 2, "ben": 1, "=cmd|' /C calc'!A0": 1,
    }  # fmt: skip
    assert users["ana"]["failed:PDF_DAMAGED"] == 1


def test_the_csv_has_a_row_per_day_and_group_and_a_column_per_counter(ui: Frontend) -> None:
    with as_role(ui, "admin-1", "admin"):
        response = ui.request("GET", f"{USAGE}.csv?{RANGE}&group_by=user")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="usage-user-2026-03-01-2026-03-02.csv"'
    )
    data = response.get_data()
    assert data.startswith(codecs.BOM_UTF8)
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    counters = ["books", "completed", "failed", "failed:PDF_DAMAGED", "pages", "sentences"]
    assert table[0] == ["day", "group", *counters]
    assert table[1:] == [
        ["2026-03-01", "ana", "1", "1", "0", "0", "10", "100"],
        ["2026-03-01", "ben", "1", "1", "0", "0", "20", "200"],
        # A group a spreadsheet would take for a formula is written as text.
        ["2026-03-02", "'=cmd|' /C calc'!A0", "1", "1", "0", "0", "40", "400"],
        ["2026-03-02", "ana", "1", "0", "1", "1", "30", "300"],
    ]


def test_an_empty_range_answers_empty_rows(ui: Frontend) -> None:
    with as_role(ui, "admin-1", "admin"):
        report = ui.json("GET", f"{USAGE}?from=2025-01-01&to=2025-01-31&group_by=team")
        table = ui.request("GET", f"{USAGE}.csv?from=2025-01-01&to=2025-01-31")
    assert (report["rows"], report["groups"], report["totals"]) == ([], [], {})
    assert table.get_data() == codecs.BOM_UTF8 + b"day,group\r\n"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("from=2026-03-02&to=2026-03-01", 400, "INVALID_REQUEST"),  # ends before it starts
        ("from=2025-02-28&to=2026-03-01", 400, "INVALID_REQUEST"),  # 367 days
        ("from=2026-03-01", 422, "VALIDATION_FAILED"),  # no end
        ("from=2026-02-30&to=2026-03-01", 422, "VALIDATION_FAILED"),  # no such day
        ("from=yesterday&to=2026-03-01", 422, "VALIDATION_FAILED"),
        (f"{RANGE}&group_by=week", 422, "VALIDATION_FAILED"),
        (f"{RANGE}&limit=10", 422, "VALIDATION_FAILED"),  # an unknown parameter
    ],
)
def test_bad_ranges_are_refused(ui: Frontend, query: str, status: int, code: str) -> None:
    with as_role(ui, "admin-1", "admin"):
        for path in (USAGE, f"{USAGE}.csv"):
            assert ui.json("GET", f"{path}?{query}", status)["error"]["code"] == code


def test_a_year_and_a_day_is_the_longest_range(ui: Frontend) -> None:
    last = datetime(2026, 3, 1)
    first = (last - timedelta(days=365)).date().isoformat()
    with as_role(ui, "admin-1", "admin"):
        report = ui.json("GET", f"{USAGE}?from={first}&to=2026-03-01")
    assert report["first_day"] == "2025-03-01" and len(report["rows"]) == 1


def test_the_documented_parameters_are_from_to_and_group_by(ui: Frontend) -> None:
    document = ui.json("GET", f"{PREFIX}/openapi.json")
    for path in ("/api/v1/admin/usage", "/api/v1/admin/usage.csv"):
        operation = document["paths"][path]["get"]
        parameters = {p["name"]: p["required"] for p in operation["parameters"]}
        assert parameters == {"from": True, "to": True, "group_by": False}
        assert "403" in operation["responses"]


def test_a_book_through_the_whole_flow_is_in_the_report(ui: Frontend) -> None:
    job_id = ui.upload_and_process()
    job = ui.json("GET", f"{PREFIX}/jobs/{job_id}")
    drive_admin_usage_routes(ui)
    today = ui.world.clock().date().isoformat()
    with as_role(ui, "admin-1", "admin"):
        report = ui.json("GET", f"{USAGE}?from={today}&to={today}&group_by=user")
    (row,) = report["rows"]
    assert (row["group"], row["counts"]) == (
        "reader-1",
        {
            "books": 1,
            "completed": 1,
            "pages": job["progress"]["page_count"],
            "sentences": job["counts"]["sentences"],
        },
    )
