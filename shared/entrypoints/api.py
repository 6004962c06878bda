"""The `api` function's routes under /api/v1 (Firebase ID token required except health)."""

from __future__ import annotations

import re

import flask

from shared import bootstrap
from shared.auth import User
from shared.domain.exports import ExportKind, ExportStatus, SheetsOptions
from shared.domain.jobs import JobSettings
from shared.domain.users import UserSettings
from shared.entrypoints import docs
from shared.errors import InvalidRequest, JobNotFound
from shared.http.responses import json_response
from shared.http.router import Call, Router
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
    SentencesPageView,
    SentencesQuery,
    SettingsIn,
    UploadCreated,
    UploadRequest,
    UserSettingsIn,
)
from shared.service import estimate, exports, history, queries, uploads
from shared.service.estimate import Estimate
from shared.service.user_settings import settings_of

PREFIX = "/api/v1"
# A PDF posted to the API is capped by Cloud Functions' 32 MB request limit.
DIRECT_UPLOAD_MAX_BYTES = 32 * 1000 * 1000
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
PROCESSING, READS, EXPORTS = "processing", "reads", "exports"

router = Router(bootstrap.api_guard)


def handle(request: flask.Request) -> flask.Response:
    return router.dispatch(request)


@router.route(
    "GET", f"{PREFIX}/health", "Liveness; ?deep=1 checks each dependency",
    query=HealthQuery, response=Health, public=True, rate_class=None,
)  # fmt: skip
def health(call: Call) -> Health | flask.Response:
    assert isinstance(call.query, HealthQuery)
    if not call.query.deep:
        return Health(status="ok")
    report = bootstrap.deep_health()
    if report.status == "ok":
        return report
    return flask.Response(report.model_dump_json(), status=503, mimetype="application/json")


@router.route(
    "POST", f"{PREFIX}/uploads", "A new job and the signed URL to PUT its PDF to",
    body=UploadRequest, response=UploadCreated, status=201, rate_class=PROCESSING,
    errors=(413, 422, 429),
)  # fmt: skip
def create_upload(call: Call) -> UploadCreated:
    assert isinstance(call.body, UploadRequest)
    user = _user(call)
    deps = bootstrap.deps()
    settings = call.body.settings.to_domain() if call.body.settings else _saved(user).job
    upload = uploads.NewUpload(call.body.filename, call.body.size_bytes, settings)
    job, signed = uploads.create_upload(deps, user.uid, upload)
    return UploadCreated.of(job, signed)


@router.route(
    "POST", f"{PREFIX}/process-pdf", "A job for a PDF sent in the request (up to 32 MB)",
    multipart=SettingsIn, response=JobAccepted, status=202, rate_class=PROCESSING,
    max_body_bytes=DIRECT_UPLOAD_MAX_BYTES, errors=(413, 422, 429),
)  # fmt: skip
def process_pdf(call: Call) -> JobAccepted:
    user = _user(call)
    data, settings = _pdf_and_settings(call)
    filename = call.request.files["pdf_file"].filename or "book.pdf"
    job = uploads.accept_direct_upload(bootstrap.deps(), user.uid, filename, data, settings)
    return JobAccepted(job_id=job.id, status=job.status)


@router.route(
    "POST", f"{PREFIX}/estimate", "What processing a PDF would take, before any job",
    multipart=SettingsIn, response=Estimate, rate_class=PROCESSING,
    max_body_bytes=DIRECT_UPLOAD_MAX_BYTES, errors=(413, 422, 429),
)  # fmt: skip
def estimate_cost(call: Call) -> Estimate:
    data, settings = _pdf_and_settings(call)
    return estimate.estimate(bootstrap.deps(), data, settings)


@router.route(
    "GET", f"{PREFIX}/jobs", "The user's jobs, newest first",
    query=HistoryQuery, response=JobList,
)  # fmt: skip
def list_jobs(call: Call) -> JobList:
    assert isinstance(call.query, HistoryQuery)
    query = call.query
    jobs, cursor = history.list_jobs(
        bootstrap.deps(), _user(call).uid, query.status, query.limit, query.cursor
    )
    return JobList(jobs=[JobView.of(job) for job in jobs], next_cursor=cursor)


@router.route("GET", f"{PREFIX}/jobs/<job_id>", "One job", response=JobView, errors=(404,))
def get_job(call: Call) -> JobView:
    return JobView.of(queries.get_job(bootstrap.deps(), _user(call).uid, _job_id(call)))


@router.route(
    "DELETE", f"{PREFIX}/jobs/<job_id>", "Delete a job, its results and its PDF",
    status=204, errors=(404,),
)  # fmt: skip
def delete_job(call: Call) -> flask.Response:
    history.delete_job(bootstrap.deps(), _user(call).uid, _job_id(call))
    return flask.Response(status=204)


@router.route(
    "GET", f"{PREFIX}/jobs/<job_id>/sentences", "A completed job's sentences, page by page",
    query=SentencesQuery, response=SentencesPageView, errors=(404, 409),
)  # fmt: skip
def get_sentences(call: Call) -> SentencesPageView:
    assert isinstance(call.query, SentencesQuery)
    user, query, job_id = _user(call), call.query, _job_id(call)
    min_words = query.min_words or _saved(user).min_sentence_words
    page = queries.sentence_page(
        bootstrap.deps(), user.uid, job_id, query.cursor, query.limit, min_words
    )
    return SentencesPageView.of(job_id, page)


@router.route(
    "POST", f"{PREFIX}/jobs/<job_id>/cancel", "Cancel a job that has not ended",
    response=JobView, errors=(404, 409),
)  # fmt: skip
def cancel_job(call: Call) -> JobView:
    return JobView.of(queries.cancel_job(bootstrap.deps(), _user(call).uid, _job_id(call)))


@router.route(
    "POST", f"{PREFIX}/jobs/<job_id>/retry", "A new job over a failed job's stored PDF",
    response=JobView, status=202, rate_class=PROCESSING, errors=(404, 409, 429),
)  # fmt: skip
def retry_job(call: Call) -> JobView:
    return JobView.of(history.retry_job(bootstrap.deps(), _user(call).uid, _job_id(call)))


@router.route(
    "POST", f"{PREFIX}/jobs/<job_id>/duplicate", "A new job over the same PDF, new settings",
    body=DuplicateRequest, response=JobView, status=202, rate_class=PROCESSING,
    errors=(404, 409, 429),
)  # fmt: skip
def duplicate_job(call: Call) -> JobView:
    assert isinstance(call.body, DuplicateRequest)
    settings = call.body.settings.to_domain()
    job = history.duplicate_job(bootstrap.deps(), _user(call).uid, _job_id(call), settings)
    return JobView.of(job)


@router.route(
    "POST", f"{PREFIX}/jobs/<job_id>/exports", "Export a completed job's sentences",
    body=ExportRequest, response=ExportView, status=201, rate_class=EXPORTS,
    errors=(202, 401, 403, 404, 409, 429),
)  # fmt: skip
def create_export(call: Call) -> ExportView | flask.Response:
    assert isinstance(call.body, ExportRequest)
    body, user = call.body, _user(call)
    order = exports.ExportOrder(
        body.kind,
        tuple(body.columns),
        tuple(body.indices) if body.indices is not None else None,
        body.sheets.to_domain() if body.sheets else None,
    )
    export = exports.start_export(
        bootstrap.deps(), user.uid, _job_id(call), order, _google_token(call), user.email
    )
    if export.status is ExportStatus.PENDING:  # a large export: follow it at /exports/{id}
        return json_response(ExportView.of(export), 202)
    return ExportView.of(export)


@router.route(
    "GET", f"{PREFIX}/exports/<export_id>", "An export and its status",
    response=ExportView, errors=(404,),
)  # fmt: skip
def get_export(call: Call) -> ExportView:
    export_id = call.path["export_id"]
    if not _JOB_ID.match(export_id):
        raise exports.ExportNotFound("No such export.")
    return ExportView.of(exports.get_export(bootstrap.deps(), _user(call).uid, export_id))


@router.route(
    "POST", f"{PREFIX}/export-to-sheet", "The old Google Sheets export (kept for old clients)",
    body=LegacySheetExport, response=LegacySheetExported, rate_class=EXPORTS,
    errors=(401, 403, 404, 409, 429),
)  # fmt: skip
def legacy_export_to_sheet(call: Call) -> LegacySheetExported:
    assert isinstance(call.body, LegacySheetExport)
    body, user, deps = call.body, _user(call), bootstrap.deps()
    options = SheetsOptions(title=body.sheet_name, folder_id=body.folder_id)
    if body.job_id:
        order = exports.ExportOrder(ExportKind.GOOGLE_SHEETS, ("sentence",), sheets=options)
        export = exports.start_export(
            deps, user.uid, body.job_id, order, _google_token(call), user.email
        )
        url = export.url or ""
    else:
        url = exports.sheet_of_sentences(
            deps, body.sentences or [], options, _google_token(call), user.email
        )
    return LegacySheetExported(success=True, spreadsheet_url=url)


@router.route("GET", f"{PREFIX}/settings", "The user's settings", response=UserSettingsIn)
def get_settings(call: Call) -> UserSettingsIn:
    return UserSettingsIn.of(_saved(_user(call)))


@router.route(
    "PUT", f"{PREFIX}/settings", "Save the user's settings",
    body=UserSettingsIn, response=UserSettingsIn, errors=(422,),
)  # fmt: skip
def put_settings(call: Call) -> UserSettingsIn:
    assert isinstance(call.body, UserSettingsIn)
    users = bootstrap.deps().users
    assert users is not None
    users.put(_user(call).uid, call.body.to_domain())
    return call.body


@router.route("GET", f"{PREFIX}/me", "The user, their role and usage", response=MeView)
def me(call: Call) -> MeView:
    user = _user(call)
    return MeView(uid=user.uid, email=user.email, role=user.role, usage=bootstrap.usage_of(user))


def _google_token(call: Call) -> str | None:
    """The user's Google OAuth access token, passed through, never stored or logged."""
    return call.request.headers.get(exports.GOOGLE_TOKEN_HEADER) or None


def _user(call: Call) -> User:
    assert call.user is not None  # the router authenticated every non-public route
    return call.user


def _saved(user: User) -> UserSettings:
    users = bootstrap.deps().users
    assert users is not None
    return settings_of(users, user.uid)


def _job_id(call: Call) -> str:
    job_id = call.path["job_id"]
    if not _JOB_ID.match(job_id):
        raise JobNotFound("No such job.", details={"job_id": job_id[:64]})
    return job_id


def _pdf_and_settings(call: Call) -> tuple[bytes, JobSettings]:
    """A multipart body: the PDF in `pdf_file`, settings as form fields."""
    file = call.request.files.get("pdf_file")
    if file is None:
        raise InvalidRequest("Send the PDF as multipart/form-data in the field 'pdf_file'.")
    fields = {k: v for k, v in call.request.form.items() if k in SettingsIn.model_fields}
    return file.read(), SettingsIn.model_validate(fields).to_domain()


docs.register(router, PREFIX)
