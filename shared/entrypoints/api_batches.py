"""The batch routes: many books uploaded together, followed and exported as one."""

from __future__ import annotations

from typing import Any

import flask

from shared.domain.errors import BatchNotFound
from shared.domain.exports import ExportStatus
from shared.domain.ids import BatchId
from shared.entrypoints.api_table import (
    EXPORTS,
    PREFIX,
    PROCESSING,
    google_token,
    routes,
    saved_settings,
)
from shared.http.batch_schemas import (
    BatchCreated,
    BatchFilesRequest,
    BatchList,
    BatchListQuery,
    BatchRequest,
    BatchSummary,
    BatchView,
)
from shared.http.responses import json_response
from shared.http.router import Call
from shared.http.schemas import ExportRequest, ExportView, team_of
from shared.service import batch_exports, batches
from shared.service.deps import Deps
from shared.service.exports import ExportOrder


@routes.route(
    "POST", f"{PREFIX}/batches", "A new batch: one job and one signed upload URL per file",
    status=201, rate_class=PROCESSING, errors=(403, 404, 413, 422, 429),
)  # fmt: skip
def create_batch(call: Call[BatchRequest, None], deps: Deps) -> BatchCreated:
    body = call.body
    settings = body.settings.to_domain() if body.settings else saved_settings(deps, call.user).job
    files = [file.to_domain() for file in body.files]
    user = call.user
    batch, books = batches.create_batch(
        deps, user.uid, body.name, files, settings, plan=user.role, team_id=team_of(body.space)
    )
    return BatchCreated.of(batch, books)


@routes.route(
    "POST", f"{PREFIX}/batches/<batch_id>/files", "Add files to a batch while it is open",
    status=201, rate_class=PROCESSING, errors=(403, 404, 409, 413, 422, 429),
)  # fmt: skip
def add_batch_files(call: Call[BatchFilesRequest, None], deps: Deps) -> BatchCreated:
    files = [file.to_domain() for file in call.body.files]
    user = call.user
    batch, books = batches.add_files(deps, user.uid, _batch_id(call), files, plan=user.role)
    return BatchCreated.of(batch, books)


@routes.route(
    "GET", f"{PREFIX}/batches", "The user's batches, or a team's, newest first", errors=(404,)
)  # fmt: skip
def list_batches(call: Call[None, BatchListQuery], deps: Deps) -> BatchList:
    query = call.query
    found, cursor = batches.list_batches(
        deps, call.user.uid, query.limit, query.cursor, team_of(query.space)
    )
    return BatchList(batches=[BatchSummary.of(batch) for batch in found], next_cursor=cursor)


@routes.route(
    "GET", f"{PREFIX}/batches/<batch_id>", "A batch: its status, counts and each book",
    errors=(404,),
)  # fmt: skip
def get_batch(call: Call[None, None], deps: Deps) -> BatchView:
    return BatchView.of_report(batches.batch_report(deps, call.user.uid, _batch_id(call)))


@routes.route(
    "POST", f"{PREFIX}/batches/<batch_id>/cancel", "Cancel a batch and its books not ended",
    errors=(404, 409),
)  # fmt: skip
def cancel_batch(call: Call[None, None], deps: Deps) -> BatchSummary:
    return BatchSummary.of(batches.cancel_batch(deps, call.user.uid, _batch_id(call)))


@routes.route(
    "DELETE", f"{PREFIX}/batches/<batch_id>", "Delete a batch, its books, results and PDFs",
    status=204, errors=(404,),
)  # fmt: skip
def delete_batch(call: Call[None, None], deps: Deps) -> flask.Response:
    batches.delete_batch(deps, call.user.uid, _batch_id(call))
    return flask.Response(status=204)


@routes.route(
    "POST", f"{PREFIX}/batches/<batch_id>/exports",
    "Export a batch's completed books: a tab, a sheet or a CSV file (in a ZIP) per book",
    status=201, rate_class=EXPORTS, errors=(202, 400, 401, 403, 404, 409, 429),
)  # fmt: skip
def export_batch(call: Call[ExportRequest, None], deps: Deps) -> ExportView | flask.Response:
    body, user = call.body, call.user
    order = ExportOrder(
        body.kind,
        tuple(body.columns),
        tuple(body.indices) if body.indices is not None else None,
        body.sheets.to_domain() if body.sheets else None,
    )
    export = batch_exports.start_batch_export(
        deps, user.uid, _batch_id(call), order, google_token(call), user.email, plan=user.role
    )
    if export.status is ExportStatus.PENDING:  # a large export: follow it at /exports/{id}
        return json_response(ExportView.of(export), 202)
    return ExportView.of(export)


def _batch_id(call: Call[Any, Any]) -> BatchId:
    batch_id = BatchId.parse(call.path["batch_id"])
    if batch_id is None:
        raise BatchNotFound("No such batch.", details={"batch_id": call.path["batch_id"][:64]})
    return batch_id
