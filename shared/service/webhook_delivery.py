"""Delivering one webhook message to one endpoint, attempt by attempt.

Each attempt signs the same body anew (the timestamp is the attempt's), with every
secret the endpoint signs with now (two during a rotation's grace period), posts it
through the sender (which checks the target's address again) and records what came
of it in the endpoint's delivery log. A failure schedules the next attempt as a new
task, after a delay that triples each time up to a ceiling; an endpoint failing for
`webhook_disable_after` in a row is disabled, and its pending deliveries stop. A task
delivered twice finds its attempt recorded and only makes sure the next one is queued.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from shared.domain.errors import WebhookTargetRefused
from shared.domain.webhooks import AttemptOutcome, DeliveryAttempt, Endpoint
from shared.service.deps import Deps, Limits
from shared.service.ports import Task, WebhookAnswer, WebhookCall
from shared.service.task_messages import WebhookTask
from shared.service.webhook_endpoints import update_endpoint_record
from shared.service.webhook_events import WEBHOOKS_QUEUE
from shared.webhooks.signatures import webhook_headers

log = logging.getLogger(__name__)


def deliver(deps: Deps, task: WebhookTask) -> str:
    """Make attempt `task.attempt`; returns what came of it (for the log)."""
    endpoint = deps.webhooks.get(task.endpoint_id)
    if endpoint is None:
        return "skipped: no such webhook"
    now = deps.clock()
    attempt = DeliveryAttempt(
        endpoint_id=endpoint.id,
        message_id=task.message_id,
        event_type=task.event_type,
        attempt=task.attempt,
        at=now,
        outcome=AttemptOutcome.SKIPPED,
    )
    if deps.webhooks.attempt_recorded(endpoint.id, task.message_id, task.attempt):
        return "duplicate: attempt already made"
    if not endpoint.enabled:
        deps.webhooks.record_attempt(replace(attempt, error="The webhook is disabled."))
        return "skipped: the webhook is disabled"
    try:
        answer = deps.webhook_sender.send(_call(deps, endpoint, task, now))
    except WebhookTargetRefused as refused:
        _failed(deps, endpoint, now)
        deps.webhooks.record_attempt(
            replace(attempt, outcome=AttemptOutcome.REFUSED, error=refused.message)
        )
        return "refused: the target is not allowed"
    attempt = replace(
        attempt,
        status_code=answer.status_code,
        latency_ms=round(answer.latency_ms, 1),
        response_excerpt=answer.excerpt,
        error=answer.error or _status_error(answer),
    )
    if answer.status_code is not None and 200 <= answer.status_code < 300:
        if endpoint.failing_since is not None:
            update_endpoint_record(deps, endpoint.id, lambda current: current.after_success(now))
        deps.webhooks.record_attempt(replace(attempt, outcome=AttemptOutcome.DELIVERED, error=None))
        return f"delivered: {answer.status_code}"
    return _retry_later(deps, _failed(deps, endpoint, now), task, attempt)


def retry_delay(limits: Limits, attempt: int) -> timedelta:
    """How long after failed attempt `attempt` (1-based) the next one is made."""
    growth: int = 3 ** min(attempt - 1, 30)
    return min(limits.webhook_retry_base * growth, limits.webhook_retry_max_delay)


def _retry_later(
    deps: Deps, endpoint: Endpoint, task: WebhookTask, attempt: DeliveryAttempt
) -> str:
    log.warning(
        "webhook delivery failed",
        extra={
            "event": "webhook_delivery_failed",
            "webhook_id": endpoint.id,
            "status_code": attempt.status_code,
            "attempt": task.attempt,
        },
    )
    if not endpoint.enabled or task.attempt >= deps.limits.webhook_max_attempts:
        deps.webhooks.record_attempt(replace(attempt, outcome=AttemptOutcome.GAVE_UP))
        return f"gave up after {task.attempt} attempts"
    next_at = attempt.at + retry_delay(deps.limits, task.attempt)
    following = task.model_copy(update={"attempt": task.attempt + 1})
    deps.tasks.enqueue(Task(following, schedule_at=next_at, queue=WEBHOOKS_QUEUE))
    deps.webhooks.record_attempt(
        replace(attempt, outcome=AttemptOutcome.FAILED, next_attempt_at=next_at)
    )
    return f"failed: attempt {task.attempt + 1} at {next_at.isoformat()}"


def _failed(deps: Deps, endpoint: Endpoint, now: datetime) -> Endpoint:
    """The endpoint after a failed attempt, disabled once it has failed long enough."""
    disable_after = deps.limits.webhook_disable_after
    stored, _ = update_endpoint_record(
        deps, endpoint.id, lambda current: current.after_failure(now, disable_after)
    )
    if endpoint.enabled and not stored.enabled:
        log.error(
            "webhook endpoint disabled",
            extra={"event": "webhook_endpoint_disabled", "webhook_id": endpoint.id},
        )
    return stored


def _call(deps: Deps, endpoint: Endpoint, task: WebhookTask, now: datetime) -> WebhookCall:
    secrets = [deps.sealer.open(s.sealed, endpoint.id) for s in endpoint.signing_secrets(now)]
    body = task.body.encode()
    headers = webhook_headers(secrets, task.message_id, int(now.timestamp()), body)
    return WebhookCall(endpoint.url, headers, body)


def _status_error(answer: WebhookAnswer) -> str | None:
    if answer.status_code is None or 200 <= answer.status_code < 300:
        return None
    return f"The receiver answered {answer.status_code}."
