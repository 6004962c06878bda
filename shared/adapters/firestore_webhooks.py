"""WebhookRepository on Firestore.

Layout: `webhooks/{endpoint_id}` holds the endpoint (its signing secrets sealed, the
current one first); `webhooks/{endpoint_id}/deliveries/{message_id}-{attempt:03d}` is
its delivery log, one document per attempt, newest first by `at`.

Expiry (Terraform): a TTL policy on collection group `deliveries`, field `expire_at`:
Firestore deletes an attempt's entry once it is `LOG_RETENTION` old (within about a
day), and with it whatever a delivery still running wrote after its endpoint went.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.field_path import FieldPath

from shared.adapters.firestore_ids import document_id
from shared.adapters.firestore_jobs import plain_datetime
from shared.adapters.firestore_versions import update_if_unchanged
from shared.adapters.transient import transient_errors_as_unavailable
from shared.domain.ids import WebhookId
from shared.domain.webhooks import (
    AttemptOutcome,
    DeliveryAttempt,
    Endpoint,
    EventType,
    SigningSecret,
)

WEBHOOKS = "webhooks"
DELIVERIES = "deliveries"
TTL_FIELD = "expire_at"
LOG_RETENTION = timedelta(days=30)


class FirestoreWebhookRepository:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client
        self._endpoints = client.collection(WEBHOOKS)

    @transient_errors_as_unavailable
    def add(self, endpoint: Endpoint) -> None:
        self._endpoints.document(endpoint.id).create(endpoint_to_document(endpoint))

    @transient_errors_as_unavailable
    def get(self, endpoint_id: WebhookId) -> Endpoint | None:
        snapshot = self._endpoints.document(endpoint_id).get()
        if not snapshot.exists:
            return None
        return endpoint_from_document(endpoint_id, snapshot.to_dict() or {}, snapshot.update_time)

    @transient_errors_as_unavailable
    def compare_and_set(self, current: Endpoint, new: Endpoint) -> bool:
        """Store the fields `new` changes iff the endpoint is still at `current.version`."""
        document = self._endpoints.document(current.id)
        before, after = endpoint_to_document(current), endpoint_to_document(new)
        return update_if_unchanged(self._client, document, before, after, current.version)

    @transient_errors_as_unavailable
    def list_for_owner(self, owner_uid: str) -> list[Endpoint]:
        # An equality filter alone is served by the single-field index (no composite
        # index); an owner has a handful (Limits.max_webhooks), sorted here.
        query = self._endpoints.where(filter=FieldFilter("owner_uid", "==", owner_uid))
        endpoints = [
            endpoint_from_document(s.id, s.to_dict() or {}, s.update_time) for s in query.stream()
        ]
        return sorted(endpoints, key=lambda endpoint: (endpoint.created_at, endpoint.id))

    @transient_errors_as_unavailable
    def delete(self, endpoint_id: WebhookId) -> None:
        # The endpoint and its delivery log, in batches of writes (the client's bulk writer).
        self._client.recursive_delete(self._endpoints.document(endpoint_id))

    @transient_errors_as_unavailable
    def record_attempt(self, attempt: DeliveryAttempt) -> None:
        self._log_entry(attempt.endpoint_id, attempt.message_id, attempt.attempt).set(
            attempt_to_document(attempt)
        )

    @transient_errors_as_unavailable
    def attempt_recorded(self, endpoint_id: WebhookId, message_id: str, attempt: int) -> bool:
        return bool(self._log_entry(endpoint_id, message_id, attempt).get().exists)

    @transient_errors_as_unavailable
    def attempts(
        self, endpoint_id: WebhookId, limit: int, before: datetime | None
    ) -> list[DeliveryAttempt]:
        # Served by the single-field index on `at` (the id follows its direction).
        log = self._endpoints.document(endpoint_id).collection(DELIVERIES)
        query = log.order_by("at", direction=firestore.Query.DESCENDING).order_by(
            FieldPath.document_id(), direction=firestore.Query.DESCENDING
        )
        if before is not None:
            query = query.where(filter=FieldFilter("at", "<", before))
        return [attempt_from_document(s.to_dict() or {}) for s in query.limit(limit).stream()]

    def _log_entry(
        self, endpoint_id: WebhookId, message_id: str, attempt: int
    ) -> firestore.DocumentReference:
        log = self._endpoints.document(endpoint_id).collection(DELIVERIES)
        return log.document(document_id(f"{message_id}-{attempt:03d}"))


# Documents ---------------------------------------------------------------------

_COPIED = ("owner_uid", "url", "enabled", "created_at", "updated_at", "description",
           "failing_since", "disabled_reason", "disabled_at")  # fmt: skip


def endpoint_to_document(endpoint: Endpoint) -> dict[str, Any]:
    document: dict[str, Any] = {name: getattr(endpoint, name) for name in _COPIED}
    document["events"] = [str(event) for event in endpoint.events]
    document["secrets"] = [
        {"sealed": s.sealed, "created_at": s.created_at, "expires_at": s.expires_at}
        for s in endpoint.secrets
    ]
    return document


def endpoint_from_document(
    endpoint_id: str, document: Mapping[str, Any], version: object
) -> Endpoint:
    fields = {name: plain_datetime(document[name]) for name in _COPIED if name in document}
    return Endpoint(
        id=WebhookId(endpoint_id),
        events=tuple(EventType(event) for event in document.get("events", ())),
        secrets=tuple(
            SigningSecret(
                bytes(s["sealed"]),
                plain_datetime(s["created_at"]),
                plain_datetime(s.get("expires_at")),
            )
            for s in document.get("secrets", ())
        ),
        version=version,
        **fields,
    )


def attempt_to_document(attempt: DeliveryAttempt) -> dict[str, Any]:
    document = dataclasses.asdict(attempt)
    document["endpoint_id"] = str(attempt.endpoint_id)
    document["outcome"] = str(attempt.outcome)
    document[TTL_FIELD] = attempt.at + LOG_RETENTION
    return document


def attempt_from_document(document: Mapping[str, Any]) -> DeliveryAttempt:
    return DeliveryAttempt(
        endpoint_id=WebhookId(document["endpoint_id"]),
        message_id=document["message_id"],
        event_type=document["event_type"],
        attempt=int(document["attempt"]),
        at=plain_datetime(document["at"]),
        outcome=AttemptOutcome(document["outcome"]),
        status_code=document.get("status_code"),
        latency_ms=float(document.get("latency_ms", 0.0)),
        error=document.get("error"),
        response_excerpt=document.get("response_excerpt", ""),
        next_attempt_at=plain_datetime(document.get("next_attempt_at")),
    )
