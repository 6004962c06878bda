"""One local stack for the session (Firestore, Cloud Storage, Cloud Tasks) and its clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore, storage

from infra.local_stack import FunctionSpec, LocalStack, Service, StackConfig
from infra.local_stack.paths import LOG_DIR
from tests.integration.scenarios.task_recorder import TaskRecords

PROJECT = "demo-fnt"
UPLOADS_BUCKET = "uploads"
CHUNKS_QUEUE = "chunks"
TASK_TARGET = "task-target"
RECORDER = Path(__file__).parent / "scenarios" / "task_recorder.py"


@pytest.fixture(scope="session")
def task_records(tmp_path_factory: pytest.TempPathFactory) -> TaskRecords:
    return TaskRecords(tmp_path_factory.mktemp("task-records"))


@pytest.fixture(scope="session")
def stack(task_records: TaskRecords) -> Iterator[LocalStack]:
    """The emulators, the "uploads" bucket, the "chunks" queue and a recording task target."""
    target = FunctionSpec(
        TASK_TARGET,
        RECORDER,
        "record_task",
        "http",
        env={"RECORD_DIR": str(task_records.directory)},
    )
    config = StackConfig(
        project=PROJECT,
        services=frozenset({Service.FIRESTORE, Service.STORAGE, Service.TASKS}),
        functions=(target,),
        buckets=(UPLOADS_BUCKET,),
        task_queues=(CHUNKS_QUEUE,),
        log_dir=LOG_DIR / "integration",
    )
    with LocalStack(config) as started:
        yield started


@pytest.fixture
def storage_client(stack_env: dict[str, str]) -> storage.Client:
    return storage.Client(project=PROJECT, credentials=AnonymousCredentials())


@pytest.fixture
def firestore_client(stack_env: dict[str, str]) -> firestore.Client:
    return firestore.Client(project=PROJECT, credentials=AnonymousCredentials())


@pytest.fixture
def clean_firestore(stack: LocalStack) -> None:
    """An empty Firestore database for the test."""
    stack.reset_firestore()
