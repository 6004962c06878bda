"""Scenario functions for the local stack tests: each records what it received.

Records are JSON files under $RECORD_DIR/<kind>/, one per request, so that
concurrent requests never share a file; tests poll the directory.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import flask
import functions_framework
from cloudevents.http import CloudEvent

FAIL_ONCE_PREFIX = "objects/fail-once/"


def _record(kind: str, payload: dict[str, Any]) -> None:
    directory = Path(os.environ["RECORD_DIR"]) / kind
    directory.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    partial = directory / f".{name}.tmp"
    partial.write_text(json.dumps(payload, default=str))
    partial.rename(directory / f"{name}.json")  # atomic: pollers never see half a file


@functions_framework.cloud_event
def record_event(event: CloudEvent) -> None:
    """Record the event; fail the first delivery of objects under fail-once/."""
    _record("events", {"attributes": dict(event.get_attributes()), "data": event.get_data()})
    failed_marker = Path(os.environ["RECORD_DIR"]) / "failed-once" / event["id"]
    if event["subject"].startswith(FAIL_ONCE_PREFIX) and not failed_marker.exists():
        failed_marker.parent.mkdir(parents=True, exist_ok=True)
        failed_marker.touch()
        raise RuntimeError("scenario: failing the first delivery on purpose")


@functions_framework.http
def record_task(request: flask.Request) -> tuple[str, int]:
    """Record the request; answer 500 to a first attempt that asks for it (X-Fail-Once)."""
    _record(
        "tasks",
        {
            "method": request.method,
            "path": request.full_path,
            "headers": dict(request.headers),
            "body": request.get_data(as_text=True),
        },
    )
    if request.headers.get("X-Fail-Once") and request.headers["X-CloudTasks-TaskRetryCount"] == "0":
        return "failing the first attempt on purpose", 500
    return "recorded", 200
