"""Read back what the scenario functions (scenarios/recorders.py) recorded."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Record = dict[str, Any]


class Records:
    """The JSON files the scenario functions write under <directory>/<kind>/."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def all(self, kind: str) -> list[Record]:
        return [json.loads(path.read_text()) for path in (self.directory / kind).glob("*.json")]

    def wait_for(
        self, kind: str, matches: Callable[[Record], bool], count: int = 1, timeout: float = 15
    ) -> list[Record]:
        """Poll until `count` records of `kind` match; return the matching ones."""
        deadline = time.monotonic() + timeout
        while True:
            found = [record for record in self.all(kind) if matches(record)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} of {count} {kind} records after {timeout} s")
            time.sleep(0.1)
