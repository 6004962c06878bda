"""Plans at each point of use, through the API in process: file size, engine, books a
day, jobs at once, batch size, pages per book (the storage trigger), export kinds,
webhook endpoints; GET /me's plan; admins setting a plan, with the audit log."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from shared.config import Settings
from shared.domain.plans import DEFAULT_PLANS, plans_with
from shared.service.deps import MEBIBYTE, Limits
from tests.apps import auth_emulator_mode, token_for  # noqa: F401
from tests.fakes import fake_world, with_gemini
from tests.unit.test_api_routes import PREFIX, SAMPLE, Frontend
from tests.unit.test_batch_routes import files as batch_files
from tests.unit.test_gemini_jobs import ReadingModel

HOOK = "https://hooks.example/in"


def frontend(uid: str = "reader-1", role: str | None = None, **overrides: Any) -> Frontend:
    """A user of the default plans (with `overrides` of them) on a fresh world."""
    world = fake_world(plans=plans_with(overrides) if overrides else DEFAULT_PLANS)
    ui = Frontend(world, uid)
    if role:
        ui.auth = {"Authorization": f"Bearer {token_for(uid, role=role)}"}
    return ui


def refused(answer: dict[str, Any], limit: str, plan: str = "free") -> dict[str, Any]:
    error = answer["error"]
    assert error["code"] == "PLAN_LIMIT_EXCEEDED", error
    assert (error["details"]["limit"], error["details"]["plan"]) == (limit, plan)
    assert plan in error["message"]
    details: dict[str, Any] = error["details"]
    return details


def upload(ui: Frontend, size: int = 100, status: int = 201, **settings: Any) -> Any:
    body: dict[str, Any] = {"filename": "a.pdf", "size_bytes": size}
    if settings:
        body["settings"] = settings
    return ui.json("POST", f"{PREFIX}/uploads", status, json=body)


def test_a_file_over_the_plans_size_is_refused_by_name_value_and_plan() -> None:
    ui = frontend()
    details = refused(upload(ui, 21 * MEBIBYTE, 403), "file_mb")
    assert (details["value"], details["requested"]) == (20, 21)
    upload(ui, 20 * MEBIBYTE)  # at the limit: accepted
    premium = frontend(role="premium")
    upload(premium, 21 * MEBIBYTE)


def test_the_gemini_engine_is_for_the_plans_that_include_it() -> None:
    ui = frontend()
    ui.world.deps = with_gemini(ui.world.deps, ReadingModel())
    ui.router = type(ui.router)(ui.router.routes, ui.world.deps, ui.router._guard)
    details = refused(upload(ui, 403 * 0 + 100, 403, engine="gemini"), "engines")
    assert details["value"] == ["offline"]
    auto = upload(ui, engine="auto")  # Gemini is configured, but not in the free plan
    assert auto["job"]["engine"] == "offline"

    premium = frontend(role="premium")
    premium.world.deps = with_gemini(premium.world.deps, ReadingModel())
    premium.router = type(ui.router)(ui.router.routes, premium.world.deps, ui.router._guard)
    assert upload(premium, engine="auto")["job"]["engine"] == "gemini"


def test_books_a_day_are_counted_exactly_and_a_new_day_starts_afresh() -> None:
    ui = frontend(free={"books_per_day": 3, "concurrent_jobs": None})
    for _ in range(3):
        upload(ui)
    details = refused(upload(ui, status=403), "books_per_day")
    assert (details["value"], details["requested"]) == (3, 4)
    assert ui.json("GET", f"{PREFIX}/me")["plan"]["books_today"] == 3

    ui.world.clock.advance(timedelta(days=1))
    upload(ui)


def test_a_batch_over_the_books_left_today_is_refused_and_takes_none() -> None:
    ui = frontend(free={"books_per_day": 5, "concurrent_jobs": None})
    upload(ui)
    body = {"name": "Trop", "files": batch_files(*[f"{n}.pdf" for n in range(5)])}
    refused(ui.json("POST", f"{PREFIX}/batches", 403, json=body), "books_per_day")
    assert not ui.world.batches.records
    body["files"] = body["files"][:4]
    ui.json("POST", f"{PREFIX}/batches", 201, json=body)  # the four left


def test_jobs_at_once_are_capped_until_one_ends() -> None:
    ui = frontend(free={"concurrent_jobs": 2})
    first = upload(ui, len(SAMPLE))
    upload(ui)
    refused(upload(ui, status=403), "concurrent_jobs")
    ui.put_and_run(first["job_id"])  # it completes: a slot is free again
    upload(ui)


def test_a_batch_holds_at_most_the_plans_files() -> None:
    ui = frontend(free={"batch_files": 3})
    body = {"name": "x", "files": batch_files("a", "b", "c", "d")}
    refused(ui.json("POST", f"{PREFIX}/batches", 403, json=body), "batch_files")
    body["files"] = body["files"][:3]
    batch_id = ui.json("POST", f"{PREFIX}/batches", 201, json=body)["batch"]["batch_id"]
    more = {"files": batch_files("e")}
    refused(ui.json("POST", f"{PREFIX}/batches/{batch_id}/files", 403, json=more), "batch_files")


def test_a_book_over_the_plans_pages_fails_at_the_trigger_with_nothing_processed() -> None:
    ui = frontend(free={"pages_per_book": 20})  # the sample has 30 pages
    created = upload(ui, len(SAMPLE))
    ui.put(created["job_id"])
    job = ui.json("GET", f"{PREFIX}/jobs/{created['job_id']}")
    assert job["status"] == "failed" and job["error"]["code"] == "PLAN_LIMIT_EXCEEDED"
    assert "20 pages per book" in job["error"]["message"]
    assert not ui.world.tasks.of_kind("chunk")

    premium = frontend(role="premium", free={"pages_per_book": 20})
    created = upload(premium, len(SAMPLE))
    premium.put_and_run(created["job_id"])
    assert premium.json("GET", f"{PREFIX}/jobs/{created['job_id']}")["status"] == "completed"


def test_export_kinds_outside_the_plan_are_refused() -> None:
    ui = frontend(free={"export_kinds": ["csv"]})
    job_id = ui.upload_and_process()
    path = f"{PREFIX}/jobs/{job_id}/exports"
    details = refused(ui.json("POST", path, 403, json={"kind": "xlsx"}), "export_kinds")
    assert details["value"] == ["csv"]
    ui.json("POST", path, 201, json={"kind": "csv"})


def test_webhook_endpoints_are_capped_by_the_plan() -> None:
    ui = frontend()  # free: 2
    body = {"url": HOOK, "events": ["job.completed"]}
    ui.json("POST", f"{PREFIX}/webhooks", 201, json=body)
    ui.json("POST", f"{PREFIX}/webhooks", 201, json=body)
    details = refused(ui.json("POST", f"{PREFIX}/webhooks", 403, json=body), "webhook_endpoints")
    assert (details["value"], details["requested"]) == (2, 3)


def test_me_shows_the_plan_its_limits_and_todays_use() -> None:
    ui = frontend()
    upload(ui)
    plan = ui.json("GET", f"{PREFIX}/me")["plan"]
    assert plan == {
        "name": "free",
        "pages_per_book": 400,
        "books_per_day": 10,
        "books_today": 1,
        "file_mb": 20,
        "batch_files": 10,
        "concurrent_jobs": 3,
        "engines": ["offline"],
        "export_kinds": ["csv", "google_sheets", "xlsx"],
        "webhook_endpoints": 2,
    }
    admin = frontend(role="admin")
    shown = admin.json("GET", f"{PREFIX}/me")["plan"]
    assert (shown["name"], shown["books_per_day"], shown["concurrent_jobs"]) == (
        "admin",
        None,
        None,
    )


def drive_admin_routes(ui: Frontend) -> None:
    """The admin routes' happy path, as an admin (the route-coverage test calls this)."""
    admin = Frontend(ui.world, "admin-1")
    admin.router = ui.router
    admin.auth = {"Authorization": f"Bearer {token_for('admin-1', role='admin')}"}
    ui.world.directory.plans["learner-9"] = None
    before = admin.json("GET", f"{PREFIX}/admin/users/learner-9/plan")
    assert (before["plan"], before["changes"]) == ("free", [])
    after = admin.json("PUT", f"{PREFIX}/admin/users/learner-9/plan", json={"plan": "premium"})
    assert after["plan"] == "premium" and ui.world.directory.plans["learner-9"] == "premium"
    (change,) = after["changes"]
    assert (change["by_uid"], change["from_plan"], change["to_plan"]) == (
        "admin-1", "free", "premium",
    )  # fmt: skip
    ui.reached |= admin.reached


def test_admins_set_a_users_plan_and_the_change_is_audited() -> None:
    ui = frontend()
    drive_admin_routes(ui)
    admin = Frontend(ui.world, "admin-1")
    admin.router = ui.router
    admin.auth = {"Authorization": f"Bearer {token_for('admin-1', role='admin')}"}
    again = admin.json("PUT", f"{PREFIX}/admin/users/learner-9/plan", json={"plan": "premium"})
    assert len(again["changes"]) == 1  # no change, nothing recorded
    ui.world.clock.advance(timedelta(minutes=1))
    back = admin.json("PUT", f"{PREFIX}/admin/users/learner-9/plan", json={"plan": "free"})
    assert [c["to_plan"] for c in back["changes"]] == ["free", "premium"]
    missing = admin.json("PUT", f"{PREFIX}/admin/users/nobody/plan", 404, json={"plan": "free"})
    assert missing["error"]["code"] == "USER_NOT_FOUND"
    odd = admin.json("PUT", f"{PREFIX}/admin/users/x/plan", 422, json={"plan": "gold"})
    assert odd["error"]["code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize("role", [None, "free", "premium"])
def test_only_admins_read_or_set_plans(role: str | None) -> None:
    ui = frontend(role=role)
    ui.world.directory.plans["learner-9"] = None
    for method, kwargs in [("GET", {}), ("PUT", {"json": {"plan": "admin"}})]:
        answer = ui.json(method, f"{PREFIX}/admin/users/learner-9/plan", 403, **kwargs)
        assert answer["error"]["code"] == "ADMIN_ONLY"
    assert ui.world.directory.plans["learner-9"] is None and not ui.world.audit.changes


def test_plans_in_configuration_are_checked_when_the_instance_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FNT_PLANS", '{"free": {"books_per_day": 25, "engines": ["gemini"]}}')
    free = Settings().limits().plan("free")
    assert free.books_per_day == 25 and {str(e) for e in free.engines} == {"gemini"}
    for bad in (
        '{"gold": {}}',
        '{"free": {"books": 3}}',
        '{"free": {"engines": ["quantum"]}}',
        '{"free": {"engines": []}}',
        '{"free": {"file_mb": -1}}',
        '{"free": {"pages_per_book": null}}',
        "not json",
    ):
        monkeypatch.setenv("FNT_PLANS", bad)
        with pytest.raises(ValueError, match="FNT_PLANS"):
            Settings()


def test_the_platforms_limits_still_cap_every_plan() -> None:
    world = fake_world(Limits(max_upload_bytes=MEBIBYTE), plans=DEFAULT_PLANS)
    ui = Frontend(world)
    too_large = upload(ui, 2 * MEBIBYTE, 413)
    assert too_large["error"]["code"] == "FILE_TOO_LARGE"
    assert dataclasses.asdict(world.deps.limits.plan("admin"))["file_mb"] == 50
