"""Fixtures for the local stack tests: one stack for the whole session, and its records."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# Plain `pytest` puts only this test directory on sys.path; the stack lives in infra/.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from scenario_records import Records  # noqa: E402

from infra.local_stack import FunctionSpec, LocalStack, StackConfig  # noqa: E402
from infra.local_stack.paths import LOG_DIR  # noqa: E402

SCENARIOS = Path(__file__).parent / "scenarios"
TEST_LOG_DIR = LOG_DIR / "tests"


@pytest.fixture(scope="session")
def records(tmp_path_factory: pytest.TempPathFactory) -> Records:
    return Records(tmp_path_factory.mktemp("records"))


@pytest.fixture(scope="session")
def stack(records: Records) -> Iterator[LocalStack]:
    """Every service, a recording cloudevent function behind the event bridge,
    a recording http function as Cloud Tasks target, and an "uploads" bucket."""
    record_env = {"RECORD_DIR": str(records.directory)}
    source = SCENARIOS / "recorders.py"
    config = StackConfig(
        functions=(
            FunctionSpec("events", source, "record_event", "cloudevent", env=record_env),
            FunctionSpec("tasks", source, "record_task", "http", env=record_env),
        ),
        storage_event_target="events",
        buckets=("uploads",),
        log_dir=TEST_LOG_DIR,
    )
    with LocalStack(config) as started:
        yield started
