"""Events for webhooks: what happened, as one message per event, queued for each endpoint
of the user that subscribed to it.

A message's id comes from the event itself (its type and record), so announcing an
event again (a redelivered task) makes the same message and the same task names, and the
queue adds nothing: a receiver gets one message per event, deduplicated on its id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from shared.domain.webhooks import EventType
from shared.service.deps import Deps
from shared.service.ports import Task
from shared.service.task_messages import WebhookTask
from shared.webhooks.signatures import message_id_for

WEBHOOKS_QUEUE = "webhooks"


def publish(
    deps: Deps, owner_uid: str, event: EventType, data: Mapping[str, object], at: datetime
) -> int:
    """Queue the event for each of the owner's endpoints that wants it; how many."""
    endpoints = [
        endpoint for endpoint in deps.webhooks.list_for_owner(owner_uid) if endpoint.wants(event)
    ]
    if not endpoints:
        return 0
    message_id = message_id_for(f"{event}:{_subject(data)}")
    body = event_body(event, data, at)
    for endpoint in endpoints:
        task = WebhookTask(
            endpoint_id=endpoint.id, message_id=message_id, event_type=str(event), body=body
        )
        deps.tasks.enqueue(Task(task, queue=WEBHOOKS_QUEUE))
    return len(endpoints)


def event_body(event: EventType, data: Mapping[str, object], at: datetime) -> str:
    """The JSON a receiver gets: {"type", "timestamp", "data"}, as Standard Webhooks has it."""
    payload = {"type": str(event), "timestamp": iso_time(at), "data": dict(data)}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def iso_time(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def _subject(data: Mapping[str, object]) -> str:
    """The record an event is about: its id makes the message's."""
    for key in ("export_id", "job_id", "batch_id"):
        if data.get(key):
            return str(data[key])
    raise ValueError("an event names the record it is about")
