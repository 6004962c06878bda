"""The `api` function's routes under /api/v1 (Firebase ID token required except health).

Each handler takes the validated request and the instance's dependencies, calls one use
case and shapes its answer; the composition root binds `routes` to those dependencies.
"""

from __future__ import annotations

from typing import Any

import flask

from shared.domain.errors import ExportNotFound, InvalidInput, JobNotFound
from shared.domain.exports import ExportKind, ExportStatus, SheetsOptions
from shared.domain.ids import ExportId, JobId
from shared.domain.jobs import JobSettings
from shared.domain.plans import plan_of
from shared.entrypoints import docs
from shared.entrypoints.api_table import (
    EXPORTS,
    PREFIX,
    PROCESSING,
    google_token,
    routes,
    saved_settings,
)
from shared.http.responses import json_response
from shared.http.router import Call
from shared.http.schemas import (
    DuplicateRequest,
    ExportRequest,
    ExportView,
    Health,
    HealthQuery,
    HistoryQuery,
    JobAccepted,
    JobList,
    JobView,
    LegacySheetExport,
    LegacySheetExported,
    MeView,
    NotesPageView,
    NotesQuery,
    PdfForm,
    PlanView,
    SentencesPageView,
    SentencesQuery,
    SettingsIn,
    UploadCreated,
    UploadRequest,
    UserSettingsIn,
    team_of,
)
from shared.service import (
    estimate,
    exports,
    health,
    history,
    plan_checks,
    queries,
    uploads,
    usage,
)
from shared.service.deps import Deps
from shared.service.estimate import Estimate

# A PDF posted to the API is capped by Cloud Functions' 32 MB request limit.
DIRECT_UPLOAD_MAX_BYTES = 32 * 1000 * 1000
GOOGLE_TOKEN_HEADER = exports.GOOGLE_TOKEN_HEADER


@routes.route(
    "GET", f"{PREFIX}/health", "Liveness; ?deep=1 checks each dependency",
    public=True, rate_class=None,
)  # fmt: skip
def check_health(call: Call[None, HealthQuery], deps: Deps) -> Health | flask.Response:
    if not call.query.deep:
        return Health(status="ok")
    timeout = deps.limits.health_timeout.total_seconds()
    report = Health.of(health.deep_health(deps.probes, timeout))
    if report.status == "ok":
        return report
    return json_response(report, 503)


@routes.route(
    "POST", f"{PREFIX}/uploads", "A new job and the signed URL to PUT its PDF to",
    status=201, rate_class=PROCESSING, errors=(403, 404, 413, 422, 429),
)  # fmt: skip
def create_upload(call: Call[UploadRequest, None], deps: Deps) -> UploadCreated:
    body = call.body
    settings = body.settings.to_domain() if body.settings else saved_settings(deps, call.user).job
    upload = uploads.NewUpload(body.filename, body.size_bytes, settings)
    job, signed = uploads.create_upload(
        deps, call.user.uid, upload, plan=call.user.role, team_id=team_of(body.space)
    )
    return UploadCreated.of(job, signed)


@routes.route(
    "POST", f"{PREFIX}/process-pdf", "A job for a PDF sent in the request (up to 32 MB)",
    multipart=PdfForm, status=202, rate_class=PROCESSING,
    max_body_bytes=DIRECT_UPLOAD_MAX_BYTES, errors=(403, 404, 413, 422, 429),
)  # fmt: skip
def process_pdf(call: Call[None, None], deps: Deps) -> JobAccepted:
    data, settings = _pdf_and_settings(call)
    filename = call.request.files["pdf_file"].filename or "book.pdf"
    space = PdfForm.model_validate({"space": call.request.form.get("space", "me")}).space
    job = uploads.accept_direct_upload(
        deps, call.user.uid, filename, data, settings, plan=call.user.role, team_id=team_of(space)
    )
    return JobAccepted(job_id=job.id, status=job.status)


@routes.route(
    "POST", f"{PREFIX}/estimate", "What processing a PDF would take, before any job",
    multipart=SettingsIn, rate_class=PROCESSING,
    max_body_bytes=DIRECT_UPLOAD_MAX_BYTES, errors=(413, 422, 429),
)  # fmt: skip
def estimate_cost(call: Call[None, None], deps: Deps) -> Estimate:
    data, settings = _pdf_and_settings(call)
    return estimate.estimate(deps, data, settings)


@routes.route("GET", f"{PREFIX}/jobs", "The user's jobs, or a team's, newest first", errors=(404,))
def list_jobs(call: Call[None, HistoryQuery], deps: Deps) -> JobList:
    query = call.query
    jobs, cursor = history.list_jobs(
        deps, call.user.uid, query.status, query.limit, query.cursor, team_of(query.space)
    )
    return JobList(jobs=[JobView.of(job) for job in jobs], next_cursor=cursor)


@routes.route("GET", f"{PREFIX}/jobs/<job_id>", "One job", errors=(404,))
def get_job(call: Call[None, None], deps: Deps) -> JobView:
    return JobView.of(queries.get_job(deps, call.user.uid, _job_id(call)))


@routes.route(
    "DELETE", f"{PREFIX}/jobs/<job_id>", "Delete a job, its results and its PDF",
    status=204, errors=(404,),
)  # fmt: skip
def delete_job(call: Call[None, None], deps: Deps) -> flask.Response:
    history.delete_job(deps, call.user.uid, _job_id(call))
    return flask.Response(status=204)


@routes.route(
    "GET", f"{PREFIX}/jobs/<job_id>/sentences", "A completed job's sentences, page by page",
    errors=(404, 409),
)  # fmt: skip
def get_sentences(call: Call[None, SentencesQuery], deps: Deps) -> SentencesPageView:
    query, job_id = call.query, _job_id(call)
    min_words = query.min_words or saved_settings(deps, call.user).min_sentence_words
    page = queries.sentence_page(
        deps, call.user.uid, job_id, query.cursor, query.limit, min_words, query.q
    )
    return SentencesPageView.of(job_id, page)


@routes.route(
    "GET", f"{PREFIX}/jobs/<job_id>/notes", "A completed job's notes (kept apart from the prose)",
    errors=(404, 409),
)  # fmt: skip
def get_notes(call: Call[None, NotesQuery], deps: Deps) -> NotesPageView:
    job_id = _job_id(call)
    page = queries.note_page(deps, call.user.uid, job_id, call.query.cursor, call.query.limit)
    return NotesPageView.of(job_id, page)


@routes.route(
    "POST", f"{PREFIX}/jobs/<job_id>/cancel", "Cancel a job that has not ended",
    errors=(404, 409),
)  # fmt: skip
def cancel_job(call: Call[None, None], deps: Deps) -> JobView:
    return JobView.of(history.cancel_job(deps, call.user.uid, _job_id(call)))


@routes.route(
    "POST", f"{PREFIX}/jobs/<job_id>/retry", "A new job over a failed job's stored PDF",
    status=202, rate_class=PROCESSING, errors=(403, 404, 409, 429),
)  # fmt: skip
def retry_job(call: Call[None, None], deps: Deps) -> JobView:
    return JobView.of(history.retry_job(deps, call.user.uid, _job_id(call), plan=call.user.role))


@routes.route(
    "POST", f"{PREFIX}/jobs/<job_id>/duplicate", "A new job over the same PDF, new settings",
    status=202, rate_class=PROCESSING, errors=(403, 404, 409, 429),
)  # fmt: skip
def duplicate_job(call: Call[DuplicateRequest, None], deps: Deps) -> JobView:
    settings = call.body.settings.to_domain()
    user = call.user
    return JobView.of(
        history.duplicate_job(deps, user.uid, _job_id(call), settings, plan=user.role)
    )


@routes.route(
    "POST", f"{PREFIX}/jobs/<job_id>/exports", "Export a completed job's sentences",
    status=201, rate_class=EXPORTS, errors=(202, 401, 403, 404, 409, 429),
)  # fmt: skip
def create_export(call: Call[ExportRequest, None], deps: Deps) -> ExportView | flask.Response:
    body, user = call.body, call.user
    order = exports.ExportOrder(
        body.kind,
        tuple(body.columns),
        tuple(body.indices) if body.indices is not None else None,
        body.sheets.to_domain() if body.sheets else None,
    )
    export = exports.start_export(
        deps, user.uid, _job_id(call), order, google_token(call), user.email, plan=user.role
    )
    if export.status is ExportStatus.PENDING:  # a large export: follow it at /exports/{id}
        return json_response(ExportView.of(export), 202)
    return ExportView.of(export)


@routes.route("GET", f"{PREFIX}/exports/<export_id>", "An export and its status", errors=(404,))
def get_export(call: Call[None, None], deps: Deps) -> ExportView:
    export_id = ExportId.parse(call.path["export_id"])
    if export_id is None:
        raise ExportNotFound("No such export.")
    return ExportView.of(exports.get_export(deps, call.user.uid, export_id))


@routes.route(
    "POST", f"{PREFIX}/export-to-sheet", "The old Google Sheets export (kept for old clients)",
    rate_class=EXPORTS, errors=(401, 403, 404, 409, 429),
)  # fmt: skip
def legacy_export_to_sheet(call: Call[LegacySheetExport, None], deps: Deps) -> LegacySheetExported:
    body, user = call.body, call.user
    options = SheetsOptions(title=body.sheet_name, folder_id=body.folder_id)
    if body.job_id:
        order = exports.ExportOrder(ExportKind.GOOGLE_SHEETS, ("sentence",), sheets=options)
        export = exports.start_export(
            deps, user.uid, JobId(body.job_id), order, google_token(call), user.email,
            plan=user.role,
        )  # fmt: skip
        url = export.url or ""
    else:
        url = exports.sheet_of_sentences(
            deps, body.sentences or [], options, google_token(call), user.email
        )
    return LegacySheetExported(success=True, spreadsheet_url=url)


@routes.route("GET", f"{PREFIX}/settings", "The user's settings")
def get_settings(call: Call[None, None], deps: Deps) -> UserSettingsIn:
    return UserSettingsIn.of(saved_settings(deps, call.user))


@routes.route("PUT", f"{PREFIX}/settings", "Save the user's settings", errors=(422,))
def put_settings(call: Call[UserSettingsIn, None], deps: Deps) -> UserSettingsIn:
    deps.users.put(call.user.uid, call.body.to_domain())
    return call.body


@routes.route("GET", f"{PREFIX}/me", "The user, their role and usage")
def me(call: Call[None, None], deps: Deps) -> MeView:
    user = call.user
    plan = plan_of(user.role)
    use = plan_checks.plan_use(deps, user.uid, plan)
    view = PlanView.of(plan, plan_checks.plan_limits(deps, plan), use)
    return MeView.of(user, usage.usage_of(deps, user), view)


def _job_id(call: Call[Any, Any]) -> JobId:
    job_id = JobId.parse(call.path["job_id"])
    if job_id is None:
        raise JobNotFound("No such job.", details={"job_id": call.path["job_id"][:64]})
    return job_id


def _pdf_and_settings(call: Call[Any, Any]) -> tuple[bytes, JobSettings]:
    """A multipart body: the PDF in `pdf_file`, settings as form fields."""
    file = call.request.files.get("pdf_file")
    if file is None:
        raise InvalidInput("Send the PDF as multipart/form-data in the field 'pdf_file'.")
    fields = {k: v for k, v in call.request.form.items() if k in SettingsIn.model_fields}
    return file.read(), SettingsIn.model_validate(fields).to_domain()


# The other route modules add theirs to the same table; then the docs describe them all.
from shared.entrypoints import (  # noqa: E402
    api_admin,
    api_admin_usage,
    api_batches,
    api_teams,
    api_webhooks,
)

__all__ = [
    "PREFIX",
    "api_admin",
    "api_admin_usage",
    "api_batches",
    "api_teams",
    "api_webhooks",
    "routes",
]

docs.register(routes, PREFIX)
