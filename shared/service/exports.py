"""Exports of a completed job's sentences, or of a batch's completed books: Google Sheets,
or CSV/XLSX files downloaded through short-lived signed URLs (`export_files`).

Small exports are written during the request; large ones (more rows than
`export_inline_rows`) become a Cloud Task and are followed with GET /exports/{id}. A
task may run twice: a claim (a document only one run can create) lets one write, and
a finished export is never written again. The user's Google access token reaches a
task only in its HTTP header, for the life of the task: it is never stored with the
export nor logged.
"""

from __future__ import annotations

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
from shared.domain.ids import BatchId, ExportId, JobId, TeamId
from shared.domain.jobs import JobError, JobStatus
from shared.domain.plans import FREE
from shared.domain.teams import Action
from shared.domain.webhooks import EventType
from shared.exports.tables import header
from shared.service.access import allowed
from shared.service.deps import Deps
from shared.service.export_files import export_file, export_tables, write_sheets
from shared.service.plan_checks import check_export_kind
from shared.service.ports import Task
from shared.service.queries import job_for
from shared.service.task_messages import ExportTask
from shared.service.usage_counting import count_export
from shared.service.webhook_events import publish

GOOGLE_TOKEN_HEADER = "X-Google-Access-Token"


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
    *,
    plan: str = FREE,
) -> Export:
    check_export_kind(deps, plan, order.kind)
    job = job_for(deps, owner_uid, job_id, Action.EXPORT)
    if job.status is not JobStatus.COMPLETED:
        raise JobNotCompleted(f"The job is {job.status}; export it once it is completed.")
    if order.indices is not None and any(not 0 <= i < job.sentence_count for i in order.indices):
        raise InvalidInput(f"Sentence indices run from 0 to {job.sentence_count - 1}.")
    export = new_export(
        deps, owner_uid, order, owner_email, job_id=job.id, team_id=job.team_id, plan=plan
    )
    rows = len(order.indices) if order.indices is not None else job.sentence_count
    return launch(deps, export, rows, google_token)


def new_export(
    deps: Deps,
    owner_uid: str,
    order: ExportOrder,
    owner_email: str | None,
    *,
    job_id: JobId | None = None,
    batch_id: BatchId | None = None,
    job_ids: tuple[JobId, ...] = (),
    team_id: TeamId | None = None,
    plan: str = FREE,
) -> Export:
    """An export of a job, or of a batch's books, made under `plan`."""
    return Export(
        id=ExportId.new(),
        owner_uid=owner_uid,
        job_id=job_id,
        batch_id=batch_id,
        job_ids=job_ids,
        team_id=team_id,
        kind=order.kind,
        columns=order.columns,
        created_at=deps.clock(),
        indices=order.indices,
        sheets=order.sheets,
        extra={"owner_email": owner_email} if owner_email else {},
        plan=plan,
    )


def launch(deps: Deps, export: Export, rows: int, google_token: str | None) -> Export:
    """Write the export now when it is small, else as a task followed at /exports/{id}."""
    if export.kind is ExportKind.GOOGLE_SHEETS and not google_token and not _service_mode(deps):
        raise GoogleTokenMissing(
            f"Send the user's Google access token in the {GOOGLE_TOKEN_HEADER} header."
        )
    deps.exports.add(export)
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
    return allowed(
        deps,
        owner_uid,
        Action.READ,
        deps.exports.get(export_id),
        lambda export: export.owner_uid,
        lambda export: export.team_id,
        lambda: ExportNotFound("No such export.", details={"export_id": export_id}),
    )


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
    count_export(deps, done)
    if done.job_id is not None:
        deps.jobs.record_export(
            done.job_id,
            {"export_id": done.id, "kind": str(done.kind), "url": url, "at": done.finished_at},
        )
    publish(deps, done.owner_uid, EventType.EXPORT_COMPLETED, _event(done), deps.clock())
    return done


def _event(export: Export) -> dict[str, object]:
    return {
        "export_id": export.id,
        "job_id": export.job_id,
        "batch_id": export.batch_id,
        "kind": str(export.kind),
        "rows": export.rows,
        "url": export.url,
    }


def _write(deps: Deps, export: Export, google_token: str | None) -> tuple[str, int]:
    head = header(export.columns)
    tables = export_tables(deps, export, head)
    if export.kind is ExportKind.GOOGLE_SHEETS:
        return write_sheets(deps, export, tables, google_token)
    files = deps.export_files
    file = export_file(export, tables)
    name = f"exports/{export.id}.{file.extension}"
    files.write(name, file.data, file.content_type)
    expires_at = deps.clock() + deps.limits.download_url_ttl
    url = files.signed_download(name, f"phrases.{file.extension}", expires_at)
    return url, sum(len(table.rows) for table in tables)


def _service_mode(deps: Deps) -> bool:
    return deps.sheets.service_account_mode
