"""A user's webhook endpoints: register, change, rotate the secret, test, read the log.

A signing secret is shown once, when it is made; it is stored sealed (encrypted with
a key the functions alone read, bound to its endpoint). The URL is checked when it is
registered or changed, and again at every delivery, since what its name resolves to
can change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shared.domain.errors import Conflict, InvalidInput, WebhookLimitReached, WebhookNotFound
from shared.domain.ids import WebhookId
from shared.domain.plans import FREE
from shared.domain.webhooks import DeliveryAttempt, Endpoint, EventType, SigningSecret
from shared.service.cursors import decode_time_cursor, encode_time_cursor
from shared.service.deps import Deps
from shared.service.plan_checks import check_webhook_count
from shared.service.ports import Task
from shared.service.task_messages import WebhookTask
from shared.service.versioned import owned, update_stored
from shared.service.webhook_events import WEBHOOKS_QUEUE, event_body
from shared.webhooks.signatures import new_message_id, new_secret

MAX_LOG_PAGE = 100


@dataclass(frozen=True, slots=True)
class EndpointChanges:
    url: str | None = None
    events: tuple[EventType, ...] | None = None
    enabled: bool | None = None
    description: str | None = None


def create_endpoint(
    deps: Deps,
    owner_uid: str,
    url: str,
    events: Sequence[EventType],
    description: str = "",
    enabled: bool = True,
    *,
    plan: str = FREE,
) -> tuple[Endpoint, str]:
    """The new endpoint and its signing secret (shown this once)."""
    limit = deps.limits.max_webhooks
    current = len(deps.webhooks.list_for_owner(owner_uid))
    check_webhook_count(deps, plan, current)
    if current >= limit:
        raise WebhookLimitReached(
            f"A user has at most {limit} webhook endpoints; delete one first.",
            details={"max_webhooks": limit},
        )
    deps.webhook_sender.check(url)
    now = deps.clock()
    endpoint_id = WebhookId.new()
    secret = new_secret()
    endpoint = Endpoint(
        id=endpoint_id,
        owner_uid=owner_uid,
        url=url,
        events=_distinct(events),
        enabled=enabled,
        created_at=now,
        updated_at=now,
        secrets=(SigningSecret(deps.sealer.seal(secret, endpoint_id), now),),
        description=description,
    )
    deps.webhooks.add(endpoint)
    return endpoint, secret


def owned_endpoint(deps: Deps, owner_uid: str, endpoint_id: WebhookId) -> Endpoint:
    """The owner's endpoint; another user's answers exactly like a missing one."""
    return owned(
        deps.webhooks.get(endpoint_id),
        owner_uid,
        lambda: WebhookNotFound("No such webhook.", details={"webhook_id": endpoint_id}),
    )


def list_endpoints(deps: Deps, owner_uid: str) -> list[Endpoint]:
    return deps.webhooks.list_for_owner(owner_uid)


def update_endpoint(
    deps: Deps, owner_uid: str, endpoint_id: WebhookId, changes: EndpointChanges
) -> Endpoint:
    owned_endpoint(deps, owner_uid, endpoint_id)
    if changes.url is not None:
        deps.webhook_sender.check(changes.url)
    fields: dict[str, object] = {
        name: value
        for name, value in (
            ("url", changes.url),
            ("events", _distinct(changes.events) if changes.events is not None else None),
            ("enabled", changes.enabled),
            ("description", changes.description),
        )
        if value is not None
    }
    if not fields:
        raise InvalidInput("Send at least one of url, events, enabled, description.")
    now = deps.clock()
    endpoint, _ = update_endpoint_record(
        deps, endpoint_id, lambda current: current.updated(now, **fields)
    )
    return endpoint


def delete_endpoint(deps: Deps, owner_uid: str, endpoint_id: WebhookId) -> None:
    deps.webhooks.delete(owned_endpoint(deps, owner_uid, endpoint_id).id)


def rotate_secret(deps: Deps, owner_uid: str, endpoint_id: WebhookId) -> tuple[Endpoint, str]:
    """A new current secret; the previous one still signs for the grace period."""
    owned_endpoint(deps, owner_uid, endpoint_id)
    now = deps.clock()
    secret = new_secret()
    sealed = SigningSecret(deps.sealer.seal(secret, endpoint_id), now)
    grace = deps.limits.webhook_rotation_grace
    endpoint, _ = update_endpoint_record(
        deps, endpoint_id, lambda current: current.rotated(now, sealed, grace)
    )
    return endpoint, secret


def send_test(deps: Deps, owner_uid: str, endpoint_id: WebhookId) -> str:
    """Queue a ping to the endpoint; its message id (follow it in the delivery log)."""
    endpoint = owned_endpoint(deps, owner_uid, endpoint_id)
    if not endpoint.enabled:
        raise Conflict("The webhook is disabled; enable it before testing it.")
    message_id = new_message_id()
    body = event_body(EventType.PING, {"webhook_id": endpoint.id}, deps.clock())
    task = WebhookTask(
        endpoint_id=endpoint.id,
        message_id=message_id,
        event_type=str(EventType.PING),
        body=body,
    )
    deps.tasks.enqueue(Task(task, queue=WEBHOOKS_QUEUE))
    return message_id


def delivery_log(
    deps: Deps, owner_uid: str, endpoint_id: WebhookId, limit: int, cursor: str | None
) -> tuple[list[DeliveryAttempt], str | None]:
    """The endpoint's attempts, newest first, and the cursor of the next page."""
    if not 1 <= limit <= MAX_LOG_PAGE:
        raise InvalidInput(f"The page size must be between 1 and {MAX_LOG_PAGE}.")
    endpoint = owned_endpoint(deps, owner_uid, endpoint_id)
    before = decode_time_cursor(cursor) if cursor else None
    attempts = deps.webhooks.attempts(endpoint.id, limit + 1, before)
    if len(attempts) <= limit:
        return attempts, None
    return attempts[:limit], encode_time_cursor(attempts[limit - 1].at)


def update_endpoint_record(
    deps: Deps, endpoint_id: WebhookId, change: Callable[[Endpoint], Endpoint | None]
) -> tuple[Endpoint, bool]:
    return update_stored(
        deps.webhooks, endpoint_id, change, lambda: WebhookNotFound("No such webhook.")
    )


def _distinct(events: Sequence[EventType]) -> tuple[EventType, ...]:
    found = tuple(dict.fromkeys(EventType(event) for event in events))
    if not found:
        raise InvalidInput("Subscribe to at least one event type.")
    if EventType.PING in found:
        raise InvalidInput(f"{EventType.PING} is sent by the test route, not subscribed to.")
    return found
