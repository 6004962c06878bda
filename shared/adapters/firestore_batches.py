"""BatchRepository on Firestore.

Layout: `batches/{batch_id}` holds the batch (its books' ids as a list, and the
`team_id` of a batch in a team's space: None in documents from before teams); the mark
`batches/{batch_id}/ended/{job_id}` says a book's end was counted.

Like a job, a batch changes by an update conditioned on its last update time. A book's
end is its mark's `create` and the batch's increments in one write batch: a second
report of the same book fails the create, and the batch's counts are left alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from google.api_core import exceptions as google_errors
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.field_path import FieldPath

from shared.adapters.firestore_jobs import plain_datetime
from shared.adapters.firestore_versions import update_if_unchanged
from shared.adapters.transient import transient_errors_as_unavailable
from shared.domain.batches import Batch, BatchStatus
from shared.domain.ids import BatchId, JobId, TeamId
from shared.domain.jobs import JobSettings
from shared.service.ports import BatchCursor

BATCHES = "batches"
ENDED = "ended"


class FirestoreBatchRepository:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client
        self._batches = client.collection(BATCHES)

    @transient_errors_as_unavailable
    def add(self, batch: Batch) -> None:
        self._batches.document(batch.id).create(batch_to_document(batch))

    @transient_errors_as_unavailable
    def get(self, batch_id: BatchId) -> Batch | None:
        snapshot = self._batches.document(batch_id).get()
        if not snapshot.exists:
            return None
        return batch_from_document(batch_id, snapshot.to_dict() or {}, snapshot.update_time)

    @transient_errors_as_unavailable
    def compare_and_set(self, current: Batch, new: Batch) -> bool:
        document = self._batches.document(current.id)
        before, after = batch_to_document(current), batch_to_document(new)
        return update_if_unchanged(self._client, document, before, after, current.version)

    @transient_errors_as_unavailable
    def record_ended(self, batch_id: BatchId, job_id: JobId, failed: bool) -> bool:
        batch_ref = self._batches.document(batch_id)
        counts: dict[str, Any] = {
            "ended_count": firestore.Increment(1),
            "updated_at": firestore.SERVER_TIMESTAMP,
        }
        if failed:
            counts["failed_count"] = firestore.Increment(1)
        writes = self._client.batch()
        writes.create(
            batch_ref.collection(ENDED).document(job_id),
            {"failed": failed, "at": firestore.SERVER_TIMESTAMP},
        )
        writes.update(batch_ref, counts)
        try:
            writes.commit()
        except (google_errors.AlreadyExists, google_errors.NotFound):
            # Counted before, or the batch is gone: the batch's writes are all or nothing.
            return False
        return True

    @transient_errors_as_unavailable
    def list_for_owner(self, owner_uid: str, limit: int, after: BatchCursor | None) -> list[Batch]:
        # Needs the composite index (owner_uid, created_at desc, __name__ desc).
        return self._listed("owner_uid", owner_uid, limit, after)

    @transient_errors_as_unavailable
    def list_for_team(self, team_id: TeamId, limit: int, after: BatchCursor | None) -> list[Batch]:
        # Needs the composite index (team_id, created_at desc, __name__ desc).
        return self._listed("team_id", team_id, limit, after)

    def _listed(self, field: str, value: str, limit: int, after: BatchCursor | None) -> list[Batch]:
        query = (
            self._batches.where(filter=FieldFilter(field, "==", value))
            .order_by("created_at", direction=firestore.Query.DESCENDING)
            .order_by(FieldPath.document_id(), direction=firestore.Query.DESCENDING)
        )
        if after is not None:
            query = query.start_after(
                {
                    "created_at": after.created_at,
                    FieldPath.document_id(): self._batches.document(after.batch_id),
                }
            )
        return [
            batch_from_document(s.id, s.to_dict() or {}, s.update_time)
            for s in query.limit(limit).stream()
        ]

    @transient_errors_as_unavailable
    def delete(self, batch_id: BatchId) -> None:
        self._client.recursive_delete(self._batches.document(batch_id))


# Documents ---------------------------------------------------------------------

_COPIED = ("owner_uid", "name", "created_at", "updated_at", "open_until", "ended_count",
           "failed_count", "completed_at")  # fmt: skip


def batch_to_document(batch: Batch) -> dict[str, Any]:
    document: dict[str, Any] = {name: getattr(batch, name) for name in _COPIED}
    document["status"] = str(batch.status)
    document["settings"] = {
        **dataclasses.asdict(batch.settings),
        "engine": str(batch.settings.engine),
    }
    document["job_ids"] = list(batch.job_ids)
    document["team_id"] = batch.team_id
    return document


def batch_from_document(batch_id: str, document: Mapping[str, Any], version: object) -> Batch:
    fields = {name: plain_datetime(document[name]) for name in _COPIED if name in document}
    team_id = document.get("team_id")
    return Batch(
        id=BatchId(batch_id),
        status=BatchStatus(document["status"]),
        settings=JobSettings(**document.get("settings", {})),
        job_ids=tuple(JobId(job_id) for job_id in document.get("job_ids", ())),
        team_id=TeamId(team_id) if team_id else None,
        version=version,
        **fields,
    )
