"""TaskQueue on a Cloud Tasks queue whose tasks POST JSON to the worker."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from datetime import timedelta

from google.api_core import exceptions as google_errors
from google.cloud import tasks_v2

from shared.adapters.transient import transient_errors_as_unavailable
from shared.service.ports import Task, TaskQueue
from shared.service.task_messages import task_body

# How long Cloud Tasks waits for the worker before it counts an attempt as failed: the
# most it allows, matching the worker's timeout (the default, 10 min, would retry a
# chunk still being processed).
DISPATCH_DEADLINE = timedelta(minutes=30)


class CloudTasksQueue:
    """Enqueue named HTTP tasks for `worker_url`.

    With `oidc_service_account`, Cloud Tasks signs each request with an OIDC
    token of that account for `oidc_audience` (the worker URL when None).
    """

    def __init__(
        self,
        client: tasks_v2.CloudTasksClient,
        queue_path: str,
        worker_url: str,
        *,
        oidc_service_account: str | None = None,
        oidc_audience: str | None = None,
        dispatch_deadline: timedelta = DISPATCH_DEADLINE,
    ) -> None:
        if oidc_audience is not None and oidc_service_account is None:
            raise ValueError("oidc_audience needs oidc_service_account")
        self._client = client
        self._dispatch_deadline = dispatch_deadline
        self._queue_path = queue_path
        self._worker_url = worker_url
        self._oidc_token = (
            None
            if oidc_service_account is None
            else tasks_v2.OidcToken(
                service_account_email=oidc_service_account, audience=oidc_audience or ""
            )
        )

    @transient_errors_as_unavailable
    def enqueue(self, task: Task) -> None:
        """Create the task; a task of that name created before is not an error.

        Cloud Tasks answers AlreadyExists while a task of that name is pending and
        for about an hour after it ran or was deleted; the emulator accepts the
        duplicate and runs both, so the worker must be idempotent either way.
        """
        cloud_task = self._cloud_task(task)
        with suppress(google_errors.AlreadyExists):  # enqueued before: what the name is for
            self._client.create_task(parent=self._queue_path, task=cloud_task)

    def _cloud_task(self, task: Task) -> tasks_v2.Task:
        if task.schedule_at is not None and task.schedule_at.tzinfo is None:
            raise ValueError("schedule_at must be timezone-aware")
        http_request = tasks_v2.HttpRequest(
            http_method=tasks_v2.HttpMethod.POST,
            url=self._worker_url,
            # Without it the body is taken (and, by the emulator, sent) as a form.
            headers={**task.headers, "Content-Type": "application/json"},
            body=task_body(task.message),
            oidc_token=self._oidc_token,
        )
        return tasks_v2.Task(
            name=f"{self._queue_path}/tasks/{task.name}",
            http_request=http_request,
            schedule_time=task.schedule_at,
            dispatch_deadline=self._dispatch_deadline,
        )


class RoutedTaskQueue:
    """Sends each task to the queue its `queue` field names."""

    def __init__(self, queues: Mapping[str, TaskQueue]) -> None:
        self._queues = dict(queues)

    def enqueue(self, task: Task) -> None:
        if task.queue not in self._queues:
            raise ValueError(f"no queue {task.queue!r}; known: {sorted(self._queues)}")
        self._queues[task.queue].enqueue(task)
