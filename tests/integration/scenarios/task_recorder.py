"""The Cloud Tasks target of the integration tests, and how the tests read what it got.

The stack serves `record_task` with RECORD_DIR set; it writes one JSON file per
request there, so that concurrent requests never share a file.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import flask
import functions_framework

Record = dict[str, Any]


@functions_framework.http
def record_task(request: flask.Request) -> tuple[str, int]:
    directory = Path(os.environ["RECORD_DIR"])
    record = {
        "received_at": time.time(),
        "method": request.method,
        "headers": dict(request.headers),
        "body": request.get_data(as_text=True),
    }
    name = uuid.uuid4().hex
    partial = directory / f".{name}.tmp"
    partial.write_text(json.dumps(record))
    partial.rename(directory / f"{name}.json")  # atomic: readers never see half a file
    return "recorded", 200


class TaskRecords:
    """The requests `record_task` recorded under `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def of_task(self, task_id: str) -> list[Record]:
        """Every delivery of the task with that id (the X-CloudTasks-TaskName header)."""
        records = [json.loads(path.read_text()) for path in self.directory.glob("*.json")]
        return [r for r in records if r["headers"].get("X-Cloudtasks-Taskname") == task_id]

    def wait_for(self, task_id: str, count: int = 1, timeout: float = 15) -> list[Record]:
        """Poll until the task was delivered `count` times; return its deliveries."""
        deadline = time.monotonic() + timeout
        while len(records := self.of_task(task_id)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(records)} of {count} deliveries after {timeout} s")
            time.sleep(0.1)
        return records
