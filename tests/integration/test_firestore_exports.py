"""FirestoreExportRepository against the Firestore emulator: a job's and a batch's exports."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from google.cloud import firestore

from shared.adapters.firestore_exports import EXPORTS, FirestoreExportRepository
from shared.domain.exports import Export, ExportKind, ExportStatus, SheetsOptions
from shared.domain.ids import BatchId, ExportId, JobId
from shared.domain.jobs import JobError

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("clean_firestore")]

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
EXPORT_ID = ExportId("e" * 32)
JOB_ID = JobId("a" * 32)


@pytest.fixture
def repo(firestore_client: firestore.Client) -> FirestoreExportRepository:
    return FirestoreExportRepository(firestore_client)


def test_a_jobs_export_comes_back_as_it_was_stored(repo: FirestoreExportRepository) -> None:
    export = Export(
        id=EXPORT_ID,
        owner_uid="reader-1",
        job_id=JOB_ID,
        kind=ExportKind.GOOGLE_SHEETS,
        columns=("index", "sentence"),
        created_at=NOW,
        status=ExportStatus.FAILED,
        indices=(0, 2, 5),
        sheets=SheetsOptions(title="Le Horla", collaborators=("ami@example.com",)),
        error=JobError("SHEETS_REQUEST_FAILED", "Non."),
        extra={"spreadsheet_id": "abc"},
        plan="premium",
    )
    repo.add(export)

    assert repo.get(EXPORT_ID) == export
    assert repo.get(ExportId("f" * 32)) is None


def test_a_batchs_export_comes_back_with_its_batch_and_books(
    repo: FirestoreExportRepository,
) -> None:
    books = (JobId("1" * 32), JobId("2" * 32))
    export = Export(
        id=EXPORT_ID,
        owner_uid="reader-1",
        job_id=None,
        kind=ExportKind.CSV,
        columns=("index", "sentence", "page"),
        created_at=NOW,
        batch_id=BatchId("b" * 32),
        job_ids=books,
    )
    repo.add(export)
    repo.save(export.changed(status=ExportStatus.DONE, rows=12, url="https://x.example/y"))

    stored = repo.get(EXPORT_ID)

    assert stored == export.changed(status=ExportStatus.DONE, rows=12, url="https://x.example/y")
    assert stored is not None and stored.job_id is None
    assert isinstance(stored.batch_id, BatchId)
    assert all(isinstance(job_id, JobId) for job_id in stored.job_ids)


def test_an_export_stored_before_batches_still_reads(
    repo: FirestoreExportRepository, firestore_client: firestore.Client
) -> None:
    older = {
        "owner_uid": "reader-1",
        "job_id": str(JOB_ID),
        "kind": "xlsx",
        "columns": ["index", "sentence"],
        "created_at": NOW,
        "status": "done",
        "indices": None,
        "sheets": None,
        "rows": 40,
        "url": "https://x.example/y.xlsx",
        "finished_at": NOW,
        "error": None,
        "extra": {},
    }
    firestore_client.collection(EXPORTS).document(EXPORT_ID).set(older)

    stored = repo.get(EXPORT_ID)

    assert stored is not None
    assert (stored.job_id, stored.batch_id, stored.job_ids) == (JOB_ID, None, ())
    assert (stored.kind, stored.status, stored.rows) == (ExportKind.XLSX, ExportStatus.DONE, 40)
