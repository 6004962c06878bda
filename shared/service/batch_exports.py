"""Exports of a batch: the books completed when asked, one table each (see export_files)."""

from __future__ import annotations

from dataclasses import replace

from shared.domain.errors import BatchNotReady, InvalidInput
from shared.domain.exports import Export, ExportKind, SheetsOptions
from shared.domain.ids import BatchId
from shared.domain.jobs import JobStatus
from shared.domain.plans import FREE
from shared.domain.teams import Action
from shared.service.batches import batch_for
from shared.service.deps import Deps
from shared.service.exports import ExportOrder, launch, new_export
from shared.service.plan_checks import check_export_kind


def start_batch_export(
    deps: Deps,
    owner_uid: str,
    batch_id: BatchId,
    order: ExportOrder,
    google_token: str | None,
    owner_email: str | None = None,
    *,
    plan: str = FREE,
) -> Export:
    check_export_kind(deps, plan, order.kind)
    batch = batch_for(deps, owner_uid, batch_id, Action.EXPORT)
    if order.indices is not None:
        raise InvalidInput("Sentence indices select from one job; a batch exports whole books.")
    books = [job for job in deps.jobs.get_many(batch.job_ids) if job.status is JobStatus.COMPLETED]
    if not books:
        raise BatchNotReady("No book of the batch has completed yet; export it once one has.")
    if order.kind is ExportKind.GOOGLE_SHEETS:  # a new spreadsheet is named after the batch
        sheets = order.sheets or SheetsOptions()
        order = replace(order, sheets=replace(sheets, title=sheets.title or batch.name))
    export = new_export(
        deps,
        owner_uid,
        order,
        owner_email,
        batch_id=batch.id,
        job_ids=tuple(book.id for book in books),
        team_id=batch.team_id,
        plan=plan,
    )
    return launch(deps, export, sum(book.sentence_count for book in books), google_token)
