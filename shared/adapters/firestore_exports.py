"""ExportRepository on Firestore: `exports/{export_id}`, and `export_runs/{export_id}` as
the claim one run of an export holds while it writes.

A job's export has `job_id`; a batch's has `job_id` None, `batch_id` and `job_ids` (the
books it holds). Documents from before batches have neither `batch_id` nor `job_ids`:
they read as a job's export. An export of what is in a team's space has its `team_id`
(None in documents from before teams).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from google.api_core import exceptions as google_errors
from google.cloud import firestore

from shared.adapters.transient import transient_errors_as_unavailable
from shared.domain.exports import Export, ExportKind, ExportStatus, SheetsOptions
from shared.domain.ids import BatchId, ExportId, JobId, TeamId
from shared.domain.jobs import JobError
from shared.domain.plans import FREE

EXPORTS = "exports"
RUNS = "export_runs"


class FirestoreExportRepository:
    def __init__(self, client: firestore.Client) -> None:
        self._exports = client.collection(EXPORTS)
        self._runs = client.collection(RUNS)

    @transient_errors_as_unavailable
    def add(self, export: Export) -> None:
        self._exports.document(export.id).create(export_to_document(export))

    @transient_errors_as_unavailable
    def get(self, export_id: str) -> Export | None:
        snapshot = self._exports.document(export_id).get()
        return (
            export_from_document(export_id, snapshot.to_dict() or {}) if snapshot.exists else None
        )

    @transient_errors_as_unavailable
    def save(self, export: Export) -> None:
        self._exports.document(export.id).set(export_to_document(export))

    @transient_errors_as_unavailable
    def claim(self, export_id: str) -> bool:
        try:
            self._runs.document(export_id).create({"at": firestore.SERVER_TIMESTAMP})
        except google_errors.AlreadyExists:
            return False
        return True

    @transient_errors_as_unavailable
    def release(self, export_id: str) -> None:
        self._runs.document(export_id).delete()


def export_to_document(export: Export) -> dict[str, Any]:
    document = dataclasses.asdict(export)
    document.pop("id")
    document["kind"], document["status"] = str(export.kind), str(export.status)
    document["columns"] = list(export.columns)
    document["indices"] = list(export.indices) if export.indices is not None else None
    document["job_ids"] = list(export.job_ids)
    return document


def export_from_document(export_id: str, document: dict[str, Any]) -> Export:
    sheets, error, indices = document.get("sheets"), document.get("error"), document.get("indices")
    job_id, batch_id, team_id = (document.get(k) for k in ("job_id", "batch_id", "team_id"))
    return Export(
        id=ExportId(export_id),
        owner_uid=document["owner_uid"],
        job_id=JobId(job_id) if job_id else None,
        kind=ExportKind(document["kind"]),
        columns=tuple(document["columns"]),
        created_at=document["created_at"],
        status=ExportStatus(document["status"]),
        indices=tuple(indices) if indices is not None else None,
        sheets=SheetsOptions(**{**sheets, "collaborators": tuple(sheets["collaborators"])})
        if sheets
        else None,
        rows=document.get("rows", 0),
        url=document.get("url"),
        finished_at=document.get("finished_at"),
        error=JobError(**error) if error else None,
        extra=dict(document.get("extra") or {}),
        batch_id=BatchId(batch_id) if batch_id else None,
        job_ids=tuple(JobId(i) for i in document.get("job_ids") or ()),
        team_id=TeamId(team_id) if team_id else None,
        plan=document.get("plan", FREE),  # older exports recorded none
    )
