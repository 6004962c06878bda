"""Batches through the API in process, on fakes: creation, uploads, partial failures,
per-file expiry, completion exactly once, exports of a tab, a sheet or a CSV per book,
cancel and delete."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from shared.domain.jobs import JobStatus
from shared.service.batch_progress import book_ended
from shared.service.deps import Limits
from tests.apps import QUEUE_HEADER, auth_emulator_mode, call, task_worker  # noqa: F401
from tests.fakes import FakeWorld, fake_world
from tests.unit.test_api_routes import PREFIX, SAMPLE, Frontend, run_queued_tasks

NOT_A_PDF = b"Ceci n'est pas un PDF, juste du texte.\n" * 20


def files(*names: str) -> list[dict[str, object]]:
    return [{"filename": name, "size_bytes": len(SAMPLE)} for name in names]


def new_batch(ui: Frontend, *names: str, **extra: Any) -> dict[str, Any]:
    body = {"name": "Lectures d'été", "files": files(*names), **extra}
    created: dict[str, Any] = ui.json("POST", f"{PREFIX}/batches", 201, json=body)
    return created


def upload(ui: Frontend, job_id: str, data: bytes = SAMPLE) -> None:
    ui.world.store.write(f"uploads/{job_id}.pdf", data, "application/pdf")
    ui.put(job_id)


def run_tasks(world: FakeWorld, kind: str) -> list[str]:
    """Each queued task of `kind` once through the worker; their outcomes."""
    worker, outcomes = task_worker(world.deps), []
    for name, task in list(world.tasks.tasks.items()):
        if task.message.kind != kind:
            continue
        del world.tasks.tasks[name]
        headers = {QUEUE_HEADER: task.queue, "X-CloudTasks-TaskName": task.name}
        body = task.message.model_dump_json()
        response = call(worker.handle, "/", "POST", data=body, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        outcomes.append(response.get_json()["outcome"])
    return outcomes


def drive_batch_routes(ui: Frontend) -> None:
    """Every batch route's happy path (the route-coverage test calls this too)."""
    created = new_batch(ui, "Germinal.pdf", "Nana.pdf", "notes.pdf")
    batch_id = created["batch"]["batch_id"]
    assert created["batch"]["status"] == "open" and created["batch"]["files"] == 3
    assert [u["filename"] for u in created["uploads"]] == ["Germinal.pdf", "Nana.pdf", "notes.pdf"]
    assert all(u["upload"]["method"] == "PUT" for u in created["uploads"])

    more = ui.json(
        "POST", f"{PREFIX}/batches/{batch_id}/files", 201, json={"files": files("Thérèse.pdf")}
    )
    assert more["batch"]["files"] == 4 and len(more["uploads"]) == 1
    job_ids = [u["job_id"] for u in created["uploads"] + more["uploads"]]

    upload(ui, job_ids[0])
    upload(ui, job_ids[1])
    upload(ui, job_ids[2], NOT_A_PDF)  # refused by the trigger: its book fails alone
    run_queued_tasks(ui.world)
    view = ui.json("GET", f"{PREFIX}/batches/{batch_id}")
    assert view["status"] == "open"  # the fourth file may still come
    assert view["by_status"]["completed"] == 2 and view["by_status"]["failed"] == 1
    assert view["by_status"]["awaiting_upload"] == 1
    assert [book["filename"] for book in view["books"]][:2] == ["Germinal.pdf", "Nana.pdf"]
    assert view["books"][2]["error"]["code"] == "NOT_A_PDF"
    assert view["progress"]["sentences"] > 0
    assert view["progress"]["pages_done"] == view["progress"]["pages_total"] > 0

    upload(ui, job_ids[3])
    run_queued_tasks(ui.world)
    view = ui.json("GET", f"{PREFIX}/batches/{batch_id}")
    assert view["status"] == "completed_with_failures"
    assert (view["ended"], view["failed"]) == (4, 1)
    closed = ui.json(
        "POST", f"{PREFIX}/batches/{batch_id}/files", 409, json={"files": files("x.pdf")}
    )
    assert closed["error"]["code"] == "BATCH_CLOSED"

    export = ui.json("POST", f"{PREFIX}/batches/{batch_id}/exports", 201, json={"kind": "csv"})
    assert export["status"] == "done" and export["batch_id"] == batch_id
    assert export["job_id"] is None and len(export["job_ids"]) == 3
    assert ui.json("GET", f"{PREFIX}/exports/{export['export_id']}")["batch_id"] == batch_id

    listed = ui.json("GET", f"{PREFIX}/batches")
    assert batch_id in [b["batch_id"] for b in listed["batches"]]

    other = new_batch(ui, "a.pdf")["batch"]["batch_id"]
    cancelled = ui.json("POST", f"{PREFIX}/batches/{other}/cancel")
    assert cancelled["status"] == "cancelled"
    assert ui.request("DELETE", f"{PREFIX}/batches/{other}").status_code == 204
    missing = ui.json("GET", f"{PREFIX}/batches/{other}", 404)
    assert missing["error"]["code"] == "BATCH_NOT_FOUND"


@pytest.fixture
def ui() -> Frontend:
    return Frontend(fake_world())


def test_every_batch_route(ui: Frontend) -> None:
    drive_batch_routes(ui)


def test_a_file_whose_upload_never_comes_expires_alone_and_the_batch_moves_on(
    ui: Frontend,
) -> None:
    created = new_batch(ui, "a.pdf", "b.pdf")
    batch_id = created["batch"]["batch_id"]
    first, second = (u["job_id"] for u in created["uploads"])
    upload(ui, first)
    run_queued_tasks(ui.world)
    assert ui.json("GET", f"{PREFIX}/batches/{batch_id}")["status"] == "open"

    ui.world.clock.advance(timedelta(minutes=21))  # past the upload deadline and its grace
    assert sorted(run_tasks(ui.world, "expire_upload")) == [
        "expired",
        "ignored: the job is completed",
    ]

    view = ui.json("GET", f"{PREFIX}/batches/{batch_id}")
    assert view["status"] == "completed_with_failures"
    by_id = {book["job_id"]: book for book in view["books"]}
    assert by_id[first]["status"] == "completed"
    assert by_id[second]["error"]["code"] == "UPLOAD_EXPIRED"


def test_a_batch_of_books_that_all_complete_is_completed_and_past_its_window_processing(
    ui: Frontend,
) -> None:
    created = new_batch(ui, "a.pdf", "b.pdf")
    batch_id = created["batch"]["batch_id"]
    for book in created["uploads"]:
        ui.put(book["job_id"])
    ui.world.clock.advance(timedelta(minutes=16))  # the upload URLs have expired
    assert ui.json("GET", f"{PREFIX}/batches/{batch_id}")["status"] == "processing"
    run_queued_tasks(ui.world)
    view = ui.json("GET", f"{PREFIX}/batches/{batch_id}")
    assert (view["status"], view["failed"]) == ("completed", 0)
    assert view["completed_at"] is not None


def test_files_bring_their_own_settings_or_take_the_batch(ui: Frontend) -> None:
    body = {
        "name": "Deux réglages",
        "settings": {"sentence_length_limit": 12, "engine": "offline"},
        "files": [
            {"filename": "a.pdf", "size_bytes": 10},
            {"filename": "b.pdf", "size_bytes": 10, "settings": {"sentence_length_limit": 5}},
        ],
    }
    created = ui.json("POST", f"{PREFIX}/batches", 201, json=body)
    limits = [
        ui.json("GET", f"{PREFIX}/jobs/{u['job_id']}")["settings"]["sentence_length_limit"]
        for u in created["uploads"]
    ]
    assert limits == [12, 5]
    assert all(
        ui.json("GET", f"{PREFIX}/jobs/{u['job_id']}")["batch_id"] for u in created["uploads"]
    )


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "x", "files": []}, 422, "VALIDATION_FAILED"),
        ({"name": "x", "files": [{"filename": "../a.pdf", "size_bytes": 3}]}, 422, None),
        ({"name": "x", "files": [{"filename": "a.pdf", "size_bytes": 0}]}, 422, None),
        ({"name": "x", "files": [{"filename": "a.pdf", "size_bytes": 60 * 2**20}]}, 413, None),
        ({"name": "", "files": [{"filename": "a.pdf", "size_bytes": 3}]}, 422, None),
        (
            {"name": "x", "files": [{"filename": "a.pdf", "size_bytes": 3}] * 4},
            422,
            "BATCH_TOO_LARGE",
        ),
    ],
)
def test_a_batch_that_cannot_be_made_is_refused_and_leaves_nothing(
    body: dict[str, Any], status: int, code: str | None
) -> None:
    world = fake_world(Limits(max_batch_files=3))
    ui = Frontend(world)
    answer = ui.json("POST", f"{PREFIX}/batches", status, json=body)
    if code:
        assert answer["error"]["code"] == code
    assert not world.batches.records and not world.jobs._jobs  # no partial writes
    assert not world.tasks.of_kind("expire_upload")


def test_a_failure_halfway_through_a_batch_removes_the_jobs_already_made(ui: Frontend) -> None:
    world = ui.world
    world.tasks.fail_next = 0
    original = world.store.signed_upload
    signed = 0

    def flaky(*args: Any, **kwargs: Any) -> Any:
        nonlocal signed
        signed += 1
        if signed == 3:
            from shared.domain.errors import Unavailable

            raise Unavailable("signing is down")
        return original(*args, **kwargs)

    world.store.signed_upload = flaky  # type: ignore[method-assign]
    answer = ui.json(
        "POST", f"{PREFIX}/batches", 503, json={"name": "x", "files": files("a", "b", "c")}
    )
    assert answer["error"]["code"] == "UNAVAILABLE"
    assert not world.batches.records and not world.jobs._jobs


def test_another_users_batch_is_not_found(ui: Frontend) -> None:
    batch_id = new_batch(ui, "a.pdf")["batch"]["batch_id"]
    stranger = Frontend(ui.world, uid="reader-2")
    stranger.router = ui.router
    for method, path in [
        ("GET", f"{PREFIX}/batches/{batch_id}"),
        ("POST", f"{PREFIX}/batches/{batch_id}/cancel"),
        ("DELETE", f"{PREFIX}/batches/{batch_id}"),
    ]:
        assert stranger.json(method, path, 404)["error"]["code"] == "BATCH_NOT_FOUND"
    assert stranger.json("GET", f"{PREFIX}/batches")["batches"] == []
    assert (
        stranger.json("GET", f"{PREFIX}/batches/not-an-id", 404)["error"]["code"]
        == "BATCH_NOT_FOUND"
    )


def test_books_ending_at_once_complete_the_batch_exactly_once(ui: Frontend) -> None:
    """Twenty books end on twenty threads, each reported twice: the batch counts each once
    and completes once, announced once."""
    world = ui.world
    ui.json(
        "POST",
        f"{PREFIX}/webhooks",
        201,
        json={"url": "https://hooks.example/in", "events": ["batch.completed"]},
    )
    created = new_batch(ui, *[f"{n}.pdf" for n in range(20)])
    batch_id = created["batch"]["batch_id"]
    now = world.clock()
    ended = []
    for book in created["uploads"]:
        job = world.jobs.get(book["job_id"])
        assert job is not None
        finished = job.moved_to(JobStatus.QUEUED, now).moved_to(JobStatus.PROCESSING, now)
        finished = finished.moved_to(JobStatus.COMPLETED, now, completed_at=now)
        assert world.jobs.compare_and_set(job, finished)
        ended.append(world.jobs.get(job.id))
    world.clock.advance(timedelta(minutes=30))
    barrier = threading.Barrier(20)

    def end(job: Any) -> None:
        barrier.wait()
        book_ended(world.deps, job)
        book_ended(world.deps, job)

    threads = [threading.Thread(target=end, args=(job,)) for job in ended]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    batch = world.batches.get(batch_id)
    assert batch is not None
    assert (batch.status, batch.ended_count, batch.failed_count) == ("completed", 20, 0)
    assert len(world.tasks.of_kind("webhook")) == 1


def test_batch_exports_hold_a_sheet_a_tab_or_a_csv_per_completed_book(ui: Frontend) -> None:
    created = new_batch(ui, "Germinal.pdf", "Germinal.PDF", "vide.pdf")
    batch_id = created["batch"]["batch_id"]
    ids = [u["job_id"] for u in created["uploads"]]
    upload(ui, ids[0])
    upload(ui, ids[1])
    upload(ui, ids[2], NOT_A_PDF)
    run_queued_tasks(ui.world)
    sentences = ui.json("GET", f"{PREFIX}/jobs/{ids[0]}")["counts"]["sentences"]

    files_store = ui.world.files
    xlsx = ui.json(
        "POST",
        f"{PREFIX}/batches/{batch_id}/exports",
        201,
        json={"kind": "xlsx", "columns": ["index", "sentence"]},
    )
    ((_, data),) = [files_store.objects[n] for n in files_store.objects if xlsx["export_id"] in n]
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames == ["Germinal", "Germinal (2)"]
    first = list(workbook["Germinal"].iter_rows(values_only=True))
    assert first[0] == ("#", "Phrase") and len(first) == sentences + 1

    csv = ui.json("POST", f"{PREFIX}/batches/{batch_id}/exports", 201, json={"kind": "csv"})
    ((_, data),) = [files_store.objects[n] for n in files_store.objects if csv["export_id"] in n]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert len(names) == 2 and all(name.endswith(".csv") for name in names)
        text = archive.read(names[0]).decode("utf-8-sig")
    assert len(text.strip().splitlines()) == sentences + 1
    assert csv["url"].startswith("https://storage.test/")

    sheets = ui.world.deps.sheets
    sheet = ui.json(
        "POST", f"{PREFIX}/batches/{batch_id}/exports", 201, json={"kind": "google_sheets"},
        headers={"X-Google-Access-Token": "ya29.token"},
    )  # fmt: skip
    assert sheet["rows"] == 2 * sentences
    calls = sheets.calls  # type: ignore[attr-defined]
    assert [c[3].tab for c in calls] == ["Germinal", "Germinal (2)"]
    assert calls[0][3].spreadsheet_id is None and calls[0][3].title == "Lectures d'été"
    assert calls[1][3].spreadsheet_id == "fake"  # the same spreadsheet, a new tab


def test_a_batch_with_no_completed_book_is_not_exported_yet(ui: Frontend) -> None:
    batch_id = new_batch(ui, "a.pdf")["batch"]["batch_id"]
    answer = ui.json("POST", f"{PREFIX}/batches/{batch_id}/exports", 409, json={"kind": "csv"})
    assert answer["error"]["code"] == "BATCH_NOT_READY"
    indices = {"kind": "csv", "indices": [0]}
    assert ui.json("POST", f"{PREFIX}/batches/{batch_id}/exports", 400, json=indices)


def test_a_large_batch_export_runs_as_a_task(ui: Frontend) -> None:
    world = ui.world
    ui.world.deps = __import__("dataclasses").replace(
        world.deps, limits=Limits(export_inline_rows=10)
    )
    ui.router = type(ui.router)(ui.router.routes, ui.world.deps, ui.router._guard)
    created = new_batch(ui, "a.pdf", "b.pdf")
    for book in created["uploads"]:
        upload(ui, book["job_id"])
    run_queued_tasks(world)
    batch_id = created["batch"]["batch_id"]
    pending = ui.json("POST", f"{PREFIX}/batches/{batch_id}/exports", 202, json={"kind": "xlsx"})
    assert pending["status"] == "pending"
    assert run_tasks(world, "export") == ["export done"]
    assert ui.json("GET", f"{PREFIX}/exports/{pending['export_id']}")["status"] == "done"


def test_deleting_a_book_that_has_not_ended_lets_its_batch_complete(ui: Frontend) -> None:
    created = new_batch(ui, "a.pdf", "b.pdf")
    batch_id = created["batch"]["batch_id"]
    first, second = (u["job_id"] for u in created["uploads"])
    upload(ui, first)
    run_queued_tasks(ui.world)
    assert ui.request("DELETE", f"{PREFIX}/jobs/{second}").status_code == 204
    view = ui.json("GET", f"{PREFIX}/batches/{batch_id}")
    assert view["status"] == "completed_with_failures" and view["deleted"] == [second]


def test_cancelling_a_batch_cancels_its_books_that_have_not_ended(ui: Frontend) -> None:
    created = new_batch(ui, "a.pdf", "b.pdf")
    batch_id = created["batch"]["batch_id"]
    first, second = (u["job_id"] for u in created["uploads"])
    upload(ui, first)
    run_queued_tasks(ui.world)
    ui.json("POST", f"{PREFIX}/batches/{batch_id}/cancel")
    assert ui.json("GET", f"{PREFIX}/jobs/{first}")["status"] == "completed"
    assert ui.json("GET", f"{PREFIX}/jobs/{second}")["status"] == "cancelled"
    again = ui.json("POST", f"{PREFIX}/batches/{batch_id}/cancel", 409)
    assert again["error"]["code"] == "BATCH_STATE_CONFLICT"
