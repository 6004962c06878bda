"""What an export writes: a job's sentences as one table, or a batch's books as one table
each, made into a CSV file, an XLSX workbook or a Google spreadsheet.

A job: one CSV, one sheet, one spreadsheet. A batch: a ZIP of one CSV per book, a
workbook with a sheet per book, a spreadsheet with a tab per book (titles made unique
and valid from the books' file names).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from shared.domain.exports import Export, ExportKind, SheetsOptions
from shared.domain.ids import JobId
from shared.domain.results import NumberedSentence
from shared.exports.tables import csv_bytes, row, xlsx_bytes
from shared.exports.workbooks import (
    SHEETS_MAX_TITLE,
    Table,
    csv_zip_bytes,
    sheet_titles,
    xlsx_workbook_bytes,
)
from shared.service.deps import Deps
from shared.service.queries import sentence_page

_PAGE = 1000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class ExportFile:
    data: bytes
    content_type: str
    extension: str


def export_tables(deps: Deps, export: Export, head: Sequence[str]) -> list[Table]:
    """The export's tables: the job's, or each batch book's still stored, in batch order."""
    if export.job_id is not None:
        return [_table(deps, export, export.job_id, "Phrases", head)]
    return [
        _table(deps, export, job.id, job.filename, head)
        for job in deps.jobs.get_many(export.job_ids)
    ]


def export_file(export: Export, tables: Sequence[Table]) -> ExportFile:
    single = export.batch_id is None
    if export.kind is ExportKind.CSV:
        if single:
            return ExportFile(
                csv_bytes(tables[0].head, map(list, tables[0].rows)),
                "text/csv; charset=utf-8",
                "csv",
            )
        return ExportFile(csv_zip_bytes(tables), "application/zip", "zip")
    if single:
        return ExportFile(xlsx_bytes(tables[0].head, map(list, tables[0].rows)), XLSX_TYPE, "xlsx")
    return ExportFile(xlsx_workbook_bytes(tables), XLSX_TYPE, "xlsx")


def write_sheets(
    deps: Deps, export: Export, tables: Sequence[Table], google_token: str | None
) -> tuple[str, int]:
    """One spreadsheet: the job's table, or a tab per book; its URL and the rows written."""
    options = export.sheets or SheetsOptions()
    owner_email = export.extra.get("owner_email")
    if export.batch_id is None:
        table = tables[0]
        written = deps.sheets(google_token, table.head, table.rows, options, owner_email)
        return written.url, written.rows
    titles = sheet_titles([table.title for table in tables], SHEETS_MAX_TITLE)
    urls: list[str] = []
    rows, spreadsheet_id = 0, options.spreadsheet_id
    for table, title in zip(tables, titles, strict=True):
        tab = replace(options, spreadsheet_id=spreadsheet_id, tab=title, create_tab=True)
        if urls:  # shared with the first book's tab; the spreadsheet is shared already
            tab = replace(tab, collaborators=(), anyone_with_link=False)
        written = deps.sheets(google_token, table.head, table.rows, tab, owner_email)
        urls.append(written.url)
        rows, spreadsheet_id = rows + written.rows, written.spreadsheet_id
    return urls[0], rows  # the first book's tab


def _table(deps: Deps, export: Export, job_id: JobId, title: str, head: Sequence[str]) -> Table:
    rows = [row(sentence, export.columns) for sentence in _sentences(deps, export, job_id)]
    return Table(title, head, rows)


def _sentences(deps: Deps, export: Export, job_id: JobId) -> Iterator[NumberedSentence]:
    wanted = set(export.indices) if export.indices is not None else None
    cursor: str | None = None
    while True:
        page = sentence_page(deps, export.owner_uid, job_id, cursor, _PAGE)
        for sentence in page.sentences:
            if wanted is None or sentence.index in wanted:
                yield sentence
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
