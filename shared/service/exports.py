"""Exports of a completed job's sentences: Google Sheets, or CSV/XLSX files downloaded
through short-lived signed URLs.

Small exports are written during the request; large ones (more rows than
`export_inline_rows`) become a Cloud Task and are followed with GET /exports/{id}. A
task may run twice: a claim (a document only one run can create) lets one write, and
a finished export is never written again. The user's Google access token reaches a
task only in its HTTP header, for the life of the task: it is never stored with the
export nor logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from shared.domain.errors import (
    AppError,
    DispatchInProgress,
    ExportNotFound,
    GoogleTokenMissing,
    InvalidInput,
    JobNotCompleted,
)
from shared.domain.exports import Export, ExportKind, ExportStatus, SheetsOptions
from shared.domain.ids import ExportId, JobId
from shared.domain.jobs import JobError, JobStatus
from shared.domain.results import NumberedSentence
from shared.exports.tables import csv_bytes, header, row, xlsx_bytes
from shared.service.deps import Deps
from shared.service.ports import Task
from shared.service.queries import owned_job, sentence_page
from shared.service.task_messages import ExportTask

GOOGLE_TOKEN_HEADER = "X-Google-Access-Token"
_PAGE = 1000
_FILES = {
    ExportKind.CSV: ("text/csv; charset=utf-8", "csv"),
    ExportKind.XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@dataclass(frozen=True, slots=True)
class ExportOrder:
    kind: ExportKind
    columns: tuple[str, ...]
    indices: tuple[int, ...] | None = None
    sheets: SheetsOptions | None = None


def start_export(
    deps: Deps,
    owner_uid: str,
    job_id: JobId,
    order: ExportOrder,
    google_token: str | None,
    owner_email: str | None = None,
) -> Export:
    job = owned_job(deps, owner_uid, job_id)
    if job.status is not JobStatus.COMPLETED:
        raise JobNotCompleted(f"The job is {job.status}; export it once it is completed.")
    if order.kind is ExportKind.GOOGLE_SHEETS and not google_token and not _service_mode(deps):
        raise GoogleTokenMissing(
            f"Send the user's Google access token in the {GOOGLE_TOKEN_HEADER} header."
        )
    if order.indices is not None and any(not 0 <= i < job.sentence_count for i in order.indices):
        raise InvalidInput(f"Sentence indices run from 0 to {job.sentence_count - 1}.")
    export = Export(
        id=ExportId.new(),
        owner_uid=owner_uid,
        job_id=job.id,
        kind=order.kind,
        columns=order.columns,
        created_at=deps.clock(),
        indices=order.indices,
        sheets=order.sheets,
        extra={"owner_email": owner_email} if owner_email else {},
    )
    deps.exports.add(export)
    rows = len(order.indices) if order.indices is not None else job.sentence_count
    if rows <= deps.limits.export_inline_rows:
        # During the request the caller hears of a refused token as a 401/403 at once.
        return run_export(deps, export.id, google_token, reraise=True)
    headers = {GOOGLE_TOKEN_HEADER: google_token} if google_token else {}
    deps.tasks.enqueue(Task(ExportTask(export_id=export.id), headers=headers))
    return export


def sheet_of_sentences(
    deps: Deps,
    sentences: list[str],
    options: SheetsOptions,
    google_token: str | None,
    owner_email: str | None,
) -> str:
    """The old API's export: a given list of sentences to a new sheet; its URL."""
    if not google_token and not _service_mode(deps):
        raise GoogleTokenMissing(
            f"Send the user's Google access token in the {GOOGLE_TOKEN_HEADER} header."
        )
    rows = [[sentence] for sentence in sentences]
    return deps.sheets(google_token, header(("sentence",)), rows, options, owner_email).url


def get_export(deps: Deps, owner_uid: str, export_id: ExportId) -> Export:
    export = deps.exports.get(export_id)
    if export is None or export.owner_uid != owner_uid:
        raise ExportNotFound("No such export.", details={"export_id": export_id})
    return export


def run_export(
    deps: Deps, export_id: ExportId, google_token: str | None, *, reraise: bool = False
) -> Export:
    """Write the export once; a retryable failure releases it for the next attempt, a
    permanent one marks it failed (and is raised again with `reraise`)."""
    exports = deps.exports
    export = exports.get(export_id)
    if export is None:
        raise ExportNotFound("No such export.", details={"export_id": export_id})
    if export.status in (ExportStatus.DONE, ExportStatus.FAILED):
        return export
    if not exports.claim(export_id):
        raise DispatchInProgress("The export is being written; check again later.")
    exports.save(export := export.changed(status=ExportStatus.RUNNING))
    try:
        url, rows = _write(deps, export, google_token)
    except AppError as error:
        if error.transient:
            exports.release(export_id)
            exports.save(export.changed(status=ExportStatus.PENDING))
            raise
        failed = export.changed(
            status=ExportStatus.FAILED,
            finished_at=deps.clock(),
            error=JobError(error.code, error.message),
        )
        exports.save(failed)
        if reraise:
            raise
        return failed
    done = export.changed(status=ExportStatus.DONE, url=url, rows=rows, finished_at=deps.clock())
    exports.save(done)
    deps.jobs.record_export(
        export.job_id,
        {"export_id": done.id, "kind": str(done.kind), "url": url, "at": done.finished_at},
    )
    return done


def _write(deps: Deps, export: Export, google_token: str | None) -> tuple[str, int]:
    head = header(export.columns)
    rows = [row(sentence, export.columns) for sentence in _sentences(deps, export)]
    if export.kind is ExportKind.GOOGLE_SHEETS:
        written = deps.sheets(
            google_token,
            head,
            rows,
            export.sheets or SheetsOptions(),
            export.extra.get("owner_email"),
        )
        return written.url, written.rows
    files = deps.export_files
    content_type, extension = _FILES[export.kind]
    data = csv_bytes(head, rows) if export.kind is ExportKind.CSV else xlsx_bytes(head, rows)
    name = f"exports/{export.id}.{extension}"
    files.write(name, data, content_type)
    expires_at = deps.clock() + deps.limits.download_url_ttl
    return files.signed_download(name, f"phrases.{extension}", expires_at), len(rows)


def _sentences(deps: Deps, export: Export) -> Iterator[NumberedSentence]:
    wanted = set(export.indices) if export.indices is not None else None
    cursor: str | None = None
    while True:
        page = sentence_page(deps, export.owner_uid, export.job_id, cursor, _PAGE)
        for sentence in page.sentences:
            if wanted is None or sentence.index in wanted:
                yield sentence
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _service_mode(deps: Deps) -> bool:
    return deps.sheets.service_account_mode
