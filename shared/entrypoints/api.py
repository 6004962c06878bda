"""The `api` function's routes under /api/v1 (Firebase ID token required except health)."""

from __future__ import annotations

import dataclasses
import re

import flask

from shared import bootstrap
from shared.auth import User
from shared.errors import InvalidRequest, JobNotFound, UnsupportedMediaType
from shared.http.responses import json_response
from shared.http.router import Call, Router
from shared.http.schemas import (
    Health,
    JobAccepted,
    JobView,
    SentencesPageView,
    SentencesQuery,
    SettingsIn,
    UploadCreated,
    UploadRequest,
)
from shared.service import estimate, queries, uploads

PREFIX = "/api/v1"
# A PDF posted to the API is capped by Cloud Functions' 32 MB request limit.
DIRECT_UPLOAD_MAX_BYTES = 32 * 1000 * 1000
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")

router = Router()


def handle(request: flask.Request) -> flask.Response:
    return router.dispatch(request)


@router.route("GET", f"{PREFIX}/health")
def health(call: Call) -> flask.Response:
    return json_response(Health(status="ok"))


@router.route("POST", f"{PREFIX}/uploads")
def create_upload(call: Call) -> flask.Response:
    user = _user(call)
    body = UploadRequest.model_validate(_json(call))
    upload = uploads.NewUpload(body.filename, body.size_bytes, body.settings.to_domain())
    job, signed = uploads.create_upload(bootstrap.deps(), user.uid, upload)
    return json_response(UploadCreated.of(job, signed), 201)


@router.route("POST", f"{PREFIX}/process-pdf", max_body_bytes=DIRECT_UPLOAD_MAX_BYTES)
def process_pdf(call: Call) -> flask.Response:
    user = _user(call)
    data, settings = _pdf_and_settings(call)
    filename = call.request.files["pdf_file"].filename or "book.pdf"
    job = uploads.accept_direct_upload(
        bootstrap.deps(), user.uid, filename, data, settings.to_domain()
    )
    return json_response(JobAccepted(job_id=job.id, status=str(job.status)), 202)


@router.route("POST", f"{PREFIX}/estimate", max_body_bytes=DIRECT_UPLOAD_MAX_BYTES)
def estimate_cost(call: Call) -> flask.Response:
    _user(call)
    data, settings = _pdf_and_settings(call)
    found = estimate.estimate(bootstrap.deps(), data, settings.to_domain())
    return json_response(dataclasses.asdict(found))


@router.route("GET", f"{PREFIX}/jobs/<job_id>")
def get_job(call: Call) -> flask.Response:
    user = _user(call)
    job = queries.get_job(bootstrap.deps(), user.uid, _job_id(call))
    return json_response(JobView.of(job))


@router.route("GET", f"{PREFIX}/jobs/<job_id>/sentences")
def get_sentences(call: Call) -> flask.Response:
    user = _user(call)
    query = SentencesQuery.model_validate(call.request.args.to_dict())
    job_id = _job_id(call)
    page = queries.sentence_page(bootstrap.deps(), user.uid, job_id, query.cursor, query.limit)
    return json_response(SentencesPageView.of(job_id, page))


@router.route("POST", f"{PREFIX}/jobs/<job_id>/cancel")
def cancel_job(call: Call) -> flask.Response:
    user = _user(call)
    job = queries.cancel_job(bootstrap.deps(), user.uid, _job_id(call))
    return json_response(JobView.of(job))


def _pdf_and_settings(call: Call) -> tuple[bytes, SettingsIn]:
    """A multipart body: the PDF in `pdf_file`, settings as form fields."""
    file = call.request.files.get("pdf_file")
    if file is None:
        raise InvalidRequest("Send the PDF as multipart/form-data in the field 'pdf_file'.")
    fields = {k: v for k, v in call.request.form.items() if k in SettingsIn.model_fields}
    return file.read(), SettingsIn.model_validate(fields)


def _user(call: Call) -> User:
    return bootstrap.user_verifier().verify(call.request.headers.get("Authorization"))


def _job_id(call: Call) -> str:
    job_id = call.path["job_id"]
    if not _JOB_ID.match(job_id):
        raise JobNotFound("No such job.", details={"job_id": job_id[:64]})
    return job_id


def _json(call: Call) -> object:
    if not call.request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    body = call.request.get_json(silent=True)
    if body is None:
        raise InvalidRequest("The body is not valid JSON.")
    return body
