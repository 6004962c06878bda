"""AuditLog on Firestore: `audit_plan_changes/{id}`, one document per change, never
changed afterwards (the functions only create them)."""

from __future__ import annotations

import uuid

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.transient import transient_errors_as_unavailable
from shared.service.ports import PlanChange

PLAN_CHANGES = "audit_plan_changes"


class FirestoreAuditLog:
    def __init__(self, client: firestore.Client) -> None:
        self._changes = client.collection(PLAN_CHANGES)

    @transient_errors_as_unavailable
    def record_plan_change(self, change: PlanChange) -> None:
        self._changes.document(uuid.uuid4().hex).create(
            {
                "subject_uid": change.subject_uid,
                "by_uid": change.by_uid,
                "at": change.at,
                "from_plan": change.from_plan,
                "to_plan": change.to_plan,
            }
        )

    @transient_errors_as_unavailable
    def plan_changes(self, subject_uid: str, limit: int) -> list[PlanChange]:
        query = self._changes.where(filter=FieldFilter("subject_uid", "==", subject_uid))
        changes = [PlanChange(**(snapshot.to_dict() or {})) for snapshot in query.stream()]
        return sorted(changes, key=lambda change: change.at, reverse=True)[:limit]
