"""CloudTasksQueue against the Cloud Tasks emulator and a recording target."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from google.api_core import exceptions as google_errors
from google.cloud import tasks_v2

from infra.local_stack import LocalStack
from infra.local_stack.clients import cloud_tasks_client
from infra.local_stack.ports import LOOPBACK, free_ports
from shared.adapters.cloud_tasks_queue import CloudTasksQueue
from shared.domain.errors import Unavailable
from shared.domain.ids import JobId
from shared.service.ports import Task
from shared.service.task_messages import ChunkTask, parse_task
from tests.integration.conftest import CHUNKS_QUEUE, TASK_TARGET
from tests.integration.scenarios.task_recorder import TaskRecords

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def tasks_client(stack: LocalStack) -> tasks_v2.CloudTasksClient:
    return cloud_tasks_client(stack.tasks_host)


@pytest.fixture
def queue(stack: LocalStack, tasks_client: tasks_v2.CloudTasksClient) -> CloudTasksQueue:
    return CloudTasksQueue(
        tasks_client, stack.queue_path(CHUNKS_QUEUE), stack.function_urls[TASK_TARGET]
    )


def _message(chunk: int = 3, first_page: int = 1) -> ChunkTask:
    return ChunkTask(
        job_id=JobId.new(), generation=7, chunk=chunk, first_page=first_page, last_page=30
    )


def test_a_task_reaches_the_worker_as_json_with_the_cloud_tasks_headers(
    stack: LocalStack, queue: CloudTasksQueue, task_records: TaskRecords
) -> None:
    message = _message()
    task_id = message.name

    queue.enqueue(Task(message))

    [delivery] = task_records.wait_for(task_id)
    assert delivery["method"] == "POST"
    assert parse_task(delivery["body"].encode()) == message
    headers = delivery["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Cloudtasks-Taskname"] == task_id
    assert headers["X-Cloudtasks-Taskretrycount"] == "0"
    # The emulator sends the queue's full path where Cloud Tasks sends its short id.
    assert headers["X-Cloudtasks-Queuename"] == stack.queue_path(CHUNKS_QUEUE)


def test_the_emulator_runs_a_task_enqueued_twice_under_one_name_twice(
    queue: CloudTasksQueue, task_records: TaskRecords
) -> None:
    """Cloud Tasks would answer AlreadyExists (which enqueue accepts); the emulator
    does not deduplicate, so locally the worker gets both."""
    first = _message(first_page=1)
    second = first.model_copy(update={"first_page": 2})  # the same name
    task_id = first.name

    queue.enqueue(Task(first))
    queue.enqueue(Task(second))

    task_records.wait_for(task_id, count=2)
    time.sleep(1)  # no third delivery follows
    deliveries = task_records.of_task(task_id)
    assert sorted(json.loads(d["body"])["first_page"] for d in deliveries) == [1, 2]
    assert {d["headers"]["X-Cloudtasks-Taskretrycount"] for d in deliveries} == {"0"}


def test_a_scheduled_task_is_not_delivered_before_its_time(
    queue: CloudTasksQueue, task_records: TaskRecords
) -> None:
    message = _message()
    task_id = message.name
    schedule_at = datetime.now(UTC) + timedelta(seconds=2)

    queue.enqueue(Task(message, schedule_at=schedule_at))

    [delivery] = task_records.wait_for(task_id, timeout=10)
    assert schedule_at.timestamp() <= delivery["received_at"] < schedule_at.timestamp() + 2
    assert float(delivery["headers"]["X-Cloudtasks-Tasketa"]) == pytest.approx(
        schedule_at.timestamp(), abs=1e-3
    )


def test_a_task_with_an_oidc_token_is_accepted(
    stack: LocalStack, tasks_client: tasks_v2.CloudTasksClient, task_records: TaskRecords
) -> None:
    """The emulator accepts the token settings but sends no token."""
    worker_url = stack.function_urls[TASK_TARGET]
    queue = CloudTasksQueue(
        tasks_client,
        stack.queue_path(CHUNKS_QUEUE),
        worker_url,
        oidc_service_account="tasks@demo-fnt.iam.gserviceaccount.com",
        oidc_audience=worker_url,
    )
    message = _message()

    queue.enqueue(Task(message))

    [delivery] = task_records.wait_for(message.name)
    assert "Authorization" not in delivery["headers"]


def test_a_naive_schedule_time_is_refused(queue: CloudTasksQueue) -> None:
    naive = datetime.now() + timedelta(seconds=5)  # naive on purpose

    with pytest.raises(ValueError, match="schedule_at"):
        queue.enqueue(Task(_message(), schedule_at=naive))


def test_an_oidc_audience_needs_a_service_account(
    tasks_client: tasks_v2.CloudTasksClient,
) -> None:
    with pytest.raises(ValueError, match="oidc_service_account"):
        CloudTasksQueue(tasks_client, "q", "http://worker", oidc_audience="http://worker")


def test_an_unreachable_service_surfaces_as_unavailable() -> None:
    [closed_port] = free_ports(1)
    queue = CloudTasksQueue(
        cloud_tasks_client(f"{LOOPBACK}:{closed_port}"),
        "projects/demo-fnt/locations/us-central1/queues/chunks",
        "http://worker",
    )

    with pytest.raises(Unavailable) as raised:
        queue.enqueue(Task(_message()))

    assert isinstance(raised.value.__cause__, google_errors.ServiceUnavailable)
