"""Every route of the API, in process, on in-memory fakes: the happy path of each, as a
frontend would drive it (no emulator). The functions are wired as the composition root
wires them; the storage trigger and the task worker run the jobs in between."""

from __future__ import annotations

import dataclasses
import io
import json
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import flask
import pytest

from shared.entrypoints import api
from shared.service.deps import Limits
from tests.apps import (
    QUEUE_HEADER,
    api_router,
    auth_emulator_mode,  # noqa: F401 (an autouse fixture)
    call,
    finalized,
    storage_trigger,
    task_worker,
    token_for,
)
from tests.fakes import FakeWorld, fake_world

SAMPLE = (Path(__file__).parents[2] / "samples" / "sample-novel.pdf").read_bytes()
PREFIX = api.PREFIX


class Frontend:
    """A signed-in user's calls, noting which routes they reached."""

    def __init__(self, world: FakeWorld, uid: str = "reader-1") -> None:
        self.world = world
        self.router = api_router(world.deps)
        self.auth = {"Authorization": f"Bearer {token_for(uid, email=f'{uid}@example.com')}"}
        self.reached: set[str] = set()

    def request(self, method: str, path: str, **kwargs: Any) -> flask.Response:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        response = call(self.router.dispatch, path, method, headers=headers, **kwargs)
        self.reached.add(self._route_of(method, path))
        return response

    def json(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    def _route_of(self, method: str, path: str) -> str:
        adapter = self.router.routes.rules.bind("localhost")
        endpoint, _ = adapter.match(path.split("?")[0], method=method)
        return str(endpoint)

    def upload_and_process(self, settings: dict[str, object] | None = None) -> str:
        """A job through the signed upload, the storage trigger and the task worker."""
        body: dict[str, object] = {"filename": "roman.pdf", "size_bytes": len(SAMPLE)}
        if settings is not None:
            body["settings"] = settings
        created = self.json("POST", f"{PREFIX}/uploads", 201, json=body)
        assert created["upload"]["method"] == "PUT"
        job_id = str(created["job_id"])
        self.put_and_run(job_id)
        return job_id

    def put_and_run(self, job_id: str) -> None:
        """What the browser's PUT, Eventarc and Cloud Tasks do next."""
        self.put(job_id)
        run_queued_tasks(self.world)

    def put(self, job_id: str) -> None:
        """The browser's PUT (unless the API stored the PDF), and Eventarc's event."""
        world = self.world
        name = f"uploads/{job_id}.pdf"
        if name not in world.store.objects:
            world.store.write(name, SAMPLE, "application/pdf")
        generation, data = world.store.objects[name]
        storage_trigger(world.deps).handle(finalized(name, generation, len(data)))


def multipart_pdf() -> dict[str, Any]:
    form = {"pdf_file": (io.BytesIO(SAMPLE), "roman.pdf"), "sentence_length_limit": "8"}
    return {"data": form, "content_type": "multipart/form-data"}


def run_queued_tasks(world: FakeWorld) -> None:
    """Each chunk task queued once, through the worker, as Cloud Tasks posts it (a task
    run leaves the queue)."""
    worker = task_worker(world.deps)
    for task in list(world.tasks.tasks.values()):
        if task.message.kind != "chunk":
            continue
        del world.tasks.tasks[task.name]
        headers = {QUEUE_HEADER: task.queue, "X-CloudTasks-TaskName": task.name}
        response = call(
            worker.handle, "/", "POST", data=task.message.model_dump_json(), headers=headers
        )
        assert response.status_code == 200, response.get_data(as_text=True)


@pytest.fixture
def frontend() -> Frontend:
    return Frontend(fake_world())


def test_every_route_answers_its_happy_path(frontend: Frontend) -> None:
    ui = frontend
    assert ui.json("GET", f"{PREFIX}/health") == {"status": "ok", "checks": None}
    deep = ui.json("GET", f"{PREFIX}/health?deep=1")
    assert deep == {"status": "ok", "checks": {}}

    settings = {"sentence_length_limit": 10, "engine": "offline", "keep_dialogue": False,
                "min_sentence_words": 1, "export_format": "csv",
                "export_columns": ["index", "sentence"]}  # fmt: skip
    assert ui.json("PUT", f"{PREFIX}/settings", json=settings) == settings
    assert ui.json("GET", f"{PREFIX}/settings") == settings

    job_id = ui.upload_and_process()  # the saved settings apply
    job = ui.json("GET", f"{PREFIX}/jobs/{job_id}")
    assert (job["status"], job["settings"]["sentence_length_limit"]) == ("completed", 10)
    page = ui.json("GET", f"{PREFIX}/jobs/{job_id}/sentences?limit=5")
    assert len(page["sentences"]) == 5 and page["next_cursor"]
    assert all(s["word_count"] <= 10 for s in page["sentences"])

    notes = ui.json("GET", f"{PREFIX}/jobs/{job_id}/notes")
    assert notes["notes"] and all(note["text"] and note["page"] >= 1 for note in notes["notes"])
    assert job["counts"]["not_prose"]["notes"] >= len(notes["notes"])

    listed = ui.json("GET", f"{PREFIX}/jobs")
    assert [j["job_id"] for j in listed["jobs"]] == [job_id]

    export = ui.json("POST", f"{PREFIX}/jobs/{job_id}/exports", 201, json={"kind": "csv"})
    assert export["status"] == "done" and export["url"].startswith("https://storage.test/")
    assert ui.json("GET", f"{PREFIX}/exports/{export['export_id']}")["status"] == "done"
    sheet = ui.json(
        "POST", f"{PREFIX}/export-to-sheet", json={"sentences": ["Il pleut."], "sheetName": "Mots"},
        headers={api.GOOGLE_TOKEN_HEADER: "ya29.user-token"},
    )  # fmt: skip
    assert sheet == {
        "success": True,
        "spreadsheet_url": "https://docs.google.com/spreadsheets/d/fake",
    }

    duplicate = ui.json(
        "POST",
        f"{PREFIX}/jobs/{job_id}/duplicate",
        202,
        json={"settings": {"sentence_length_limit": 5}},
    )
    ui.put_and_run(duplicate["job_id"])
    assert ui.json("GET", f"{PREFIX}/jobs/{duplicate['job_id']}")["status"] == "completed"

    waiting = ui.json("POST", f"{PREFIX}/uploads", 201, json={"filename": "b.pdf", "size_bytes": 9})
    cancelled = ui.json("POST", f"{PREFIX}/jobs/{waiting['job_id']}/cancel")
    assert cancelled["status"] == "cancelled"
    retried = ui.json("POST", f"{PREFIX}/jobs/{waiting['job_id']}/retry", 409)
    assert retried["error"]["code"] == "UPLOAD_GONE"  # its PDF never came

    estimate = ui.json("POST", f"{PREFIX}/estimate", **multipart_pdf())
    assert estimate["pages"] > 0 and estimate["engine"] == "offline"
    accepted = ui.json("POST", f"{PREFIX}/process-pdf", 202, **multipart_pdf())
    ui.put_and_run(accepted["job_id"])
    assert ui.json("GET", f"{PREFIX}/jobs/{accepted['job_id']}")["status"] == "completed"

    me = ui.json("GET", f"{PREFIX}/me")
    assert (me["uid"], me["role"], me["email"]) == ("reader-1", "free", "reader-1@example.com")
    assert me["usage"]["processing"]["used"] == 6  # 2 uploads, duplicate, retry, estimate, PDF

    assert ui.request("DELETE", f"{PREFIX}/jobs/{job_id}").status_code == 204
    assert ui.json("GET", f"{PREFIX}/jobs/{job_id}", 404)["error"]["code"] == "JOB_NOT_FOUND"

    from tests.unit.test_admin_usage_routes import drive_admin_usage_routes
    from tests.unit.test_batch_routes import drive_batch_routes
    from tests.unit.test_plan_limits import drive_admin_routes
    from tests.unit.test_team_routes import drive_team_routes
    from tests.unit.test_webhook_routes import drive_webhook_routes

    ui.world.clock.advance(timedelta(hours=1))  # a new processing quota for each
    drive_batch_routes(ui)
    ui.world.clock.advance(timedelta(hours=1))
    drive_webhook_routes(ui)
    drive_admin_routes(ui)
    drive_team_routes(ui)
    drive_admin_usage_routes(ui)

    document = ui.json("GET", f"{PREFIX}/openapi.json")
    assert document["openapi"] == "3.1.0"
    assert ui.request("GET", "/api/docs").mimetype == "text/html"
    assert ui.request("GET", "/api/docs/swagger-ui.css").status_code == 200

    assert ui.reached == set(ui.router.routes.routes), "a route has no happy path here"


def test_a_retry_runs_a_cancelled_job_again(frontend: Frontend) -> None:
    ui = frontend
    body = {"filename": "r.pdf", "size_bytes": len(SAMPLE)}
    created = ui.json("POST", f"{PREFIX}/uploads", 201, json=body)
    job_id = created["job_id"]
    ui.put(job_id)
    assert ui.json("POST", f"{PREFIX}/jobs/{job_id}/cancel")["status"] == "cancelled"

    retried = ui.json("POST", f"{PREFIX}/jobs/{job_id}/retry", 202)

    ui.put_and_run(retried["job_id"])
    assert ui.json("GET", f"{PREFIX}/jobs/{retried['job_id']}")["status"] == "completed"


def test_deep_health_answers_in_time_when_a_dependency_never_does() -> None:
    world = fake_world()
    never = threading.Event()
    world.deps = dataclasses.replace(
        world.deps,
        probes={"firestore": lambda: None, "storage": lambda: never.wait() and None},
        limits=Limits(health_timeout=timedelta(seconds=0.3)),
    )

    try:
        response = call(api_router(world.deps).dispatch, f"{PREFIX}/health?deep=1")
    finally:
        never.set()

    assert response.status_code == 503
    checks = json.loads(response.get_data())["checks"]
    assert checks["firestore"]["status"] == "ok"
    assert (checks["storage"]["status"], checks["storage"]["detail"]) == ("failing", "Timeout")
    assert checks["storage"]["latency_ms"] < 1000


def test_the_reader_gets_each_rewritten_sentences_original_and_can_search(
    frontend: Frontend,
) -> None:
    job_id = frontend.upload_and_process({"sentence_length_limit": 5, "engine": "offline"})
    page = frontend.json("GET", f"{PREFIX}/jobs/{job_id}/sentences?limit=200")["sentences"]
    unchanged = [s for s in page if s["method"] == "kept"]
    cut = [s for s in page if s["method"] != "kept"]
    assert unchanged and cut
    assert all(s["original"] is None for s in unchanged)
    assert all(
        s["text"] in s["original"] or s["word_count"] < len(s["original"].split()) for s in cut
    )

    hits = frontend.json("GET", f"{PREFIX}/jobs/{job_id}/sentences?q=ELLE&limit=5")["sentences"]
    assert hits and all("elle" in s["text"].lower() for s in hits)
    frontend.json("GET", f"{PREFIX}/jobs/{job_id}/sentences?q=", 422)
    frontend.json("GET", f"{PREFIX}/jobs/{job_id}/sentences?q={'x' * 201}", 422)
