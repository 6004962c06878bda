"""One trace follows a job from the API call through the storage trigger and every chunk
task, across the three function processes; logs carry the ids, not the user."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import pytest

from infra.api_client import ApiClient
from infra.local_stack import LocalStack

pytestmark = pytest.mark.stack


def spans_of(trace_file: Path, trace_id: str) -> list[dict[str, object]]:
    lines = trace_file.read_text().splitlines() if trace_file.exists() else []
    return [span for span in map(json.loads, lines) if span["trace_id"] == trace_id]


def test_a_jobs_trace_runs_from_the_api_through_the_trigger_to_each_chunk(
    reader: ApiClient, sample_pdf: bytes, trace_file: Path
) -> None:
    trace_id, parent = secrets.token_hex(16), secrets.token_hex(8)
    body = {"filename": "roman.pdf", "size_bytes": len(sample_pdf)}
    created = reader.call(
        "POST", "/uploads", json=body, headers={"traceparent": f"00-{trace_id}-{parent}-01"}
    )
    reader.put_file(created, sample_pdf)
    job = reader.wait(created["job_id"])
    time.sleep(0.5)  # the last span is written as its request ends

    spans = spans_of(trace_file, trace_id)
    by_service: dict[object, list[dict[str, object]]] = {}
    for span in spans:
        by_service.setdefault(span["service"], []).append(span)

    assert job["status"] == "completed"
    assert by_service["api"][0]["parent_id"] == parent
    trigger = [s for s in by_service["on_pdf_uploaded"] if s["name"] == "storage trigger"]
    assert trigger and trigger[0]["attributes"]["job_id"] == job["job_id"]
    chunks = [s for s in by_service["run_task"] if s["name"] == "task chunk"]
    assert len(chunks) == job["progress"]["chunk_count"]
    assert {s["attributes"]["job_id"] for s in chunks} == {job["job_id"]}


def test_logs_are_json_with_the_job_and_no_user_identity(
    stack: LocalStack, reader: ApiClient, sample_pdf: bytes
) -> None:
    created = reader.create_upload("roman.pdf", len(sample_pdf), 8)
    reader.put_file(created, sample_pdf)
    job = reader.wait(created["job_id"])

    log_file = stack.config.log_dir / "function-run_task.log"
    entries = [
        json.loads(line) for line in log_file.read_text().splitlines() if line.startswith("{")
    ]
    mine = [e for e in entries if e.get("job_id") == job["job_id"]]
    assert mine and all(e["severity"] in ("INFO", "WARNING", "ERROR") for e in mine)
    assert all("reader-one" not in json.dumps(e) for e in entries)
    assert all("Bearer" not in json.dumps(e) for e in entries)
