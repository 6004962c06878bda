"""Exports through the service layer on fakes: files, Sheets, large exports as tasks."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import openpyxl
import pytest

from shared.domain.errors import JobNotCompleted, JobNotFound
from shared.domain.exports import ExportKind, ExportStatus
from shared.domain.jobs import JobSettings
from shared.service import exports, uploads
from shared.service.deps import Limits
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import process_pdf, source_sentences
from tests.drive import OWNER, completed_job
from tests.fakes import FakeWorld, RecordingSheets, fake_world

SAMPLE = (Path(__file__).parents[2] / "samples" / "sample-novel.pdf").read_bytes()
ALL = ("index", "sentence", "original", "page", "word_count", "method")


@pytest.fixture
def world() -> FakeWorld:
    return fake_world(Limits(pages_per_chunk=15, export_inline_rows=500))


def read_csv(world: FakeWorld, url: str) -> list[list[str]]:
    name = url.split("?")[0].removeprefix("https://storage.test/")
    data = world.files.objects[name][1]
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs need
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_csv_of_a_subset_with_chosen_columns_and_the_original_sentences(
    world: FakeWorld,
) -> None:
    job_id = completed_job(world, SAMPLE)
    order = exports.ExportOrder(ExportKind.CSV, ("index", "sentence", "original"), (0, 1, 5))

    export = exports.start_export(world.deps, OWNER, job_id, order, None)

    rows = read_csv(world, str(export.url))
    expected = list(process_pdf(SAMPLE, 8))
    sources = {s.index: s.text for s in source_sentences(open_pdf(SAMPLE))}
    assert export.status is ExportStatus.DONE and export.rows == 3
    assert rows[0] == ["#", "Phrase", "Phrase d'origine"]
    assert rows[1:] == [
        [str(i + 1), expected[i].text, sources[expected[i].source_index]] for i in (0, 1, 5)
    ]
    summary = world.jobs.get(job_id).exports[-1]  # type: ignore[union-attr]
    assert (summary["export_id"], summary["kind"], summary["url"]) == (export.id, "csv", export.url)


def test_an_xlsx_holds_every_sentence(world: FakeWorld) -> None:
    world.deps = dataclasses.replace(
        world.deps, limits=dataclasses.replace(world.deps.limits, export_inline_rows=100_000)
    )
    job_id = completed_job(world, SAMPLE)

    export = exports.start_export(
        world.deps, OWNER, job_id, exports.ExportOrder(ExportKind.XLSX, ALL), None
    )

    name = str(export.url).split("?")[0].removeprefix("https://storage.test/")
    sheet = openpyxl.load_workbook(io.BytesIO(world.files.objects[name][1])).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + world.jobs.get(job_id).sentence_count  # type: ignore[union-attr]
    assert values[1][1] == next(iter(process_pdf(SAMPLE, 8))).text


def test_a_large_export_runs_as_a_task_once(world: FakeWorld) -> None:
    job_id = completed_job(world, SAMPLE)
    order = exports.ExportOrder(ExportKind.GOOGLE_SHEETS, ("sentence",))

    pending = exports.start_export(world.deps, OWNER, job_id, order, "user-token")
    (task,) = world.tasks.of_kind("export")
    done = exports.run_export(world.deps, pending.id, task.headers["X-Google-Access-Token"])
    again = exports.run_export(world.deps, pending.id, "user-token")

    sheets = world.deps.sheets
    assert isinstance(sheets, RecordingSheets)
    assert pending.status is ExportStatus.PENDING
    assert "user-token" not in str(world.exports.saved[pending.id])
    assert done.status is ExportStatus.DONE and again == done
    assert len(sheets.calls) == 1 and sheets.calls[0][0] == "user-token"
    assert len(sheets.calls[0][2]) == world.jobs.get(job_id).sentence_count  # type: ignore[union-attr]


def test_sheets_without_a_google_token_is_refused(world: FakeWorld) -> None:
    job_id = completed_job(world, SAMPLE)

    with pytest.raises(exports.GoogleTokenMissing):
        exports.start_export(
            world.deps, OWNER, job_id, exports.ExportOrder(ExportKind.GOOGLE_SHEETS, ALL), None
        )


def test_only_a_completed_job_of_ones_own_is_exported(world: FakeWorld) -> None:
    job, _ = uploads.create_upload(world.deps, OWNER, uploads.NewUpload("r.pdf", 10, JobSettings()))
    order = exports.ExportOrder(ExportKind.CSV, ALL)

    with pytest.raises(JobNotCompleted):
        exports.start_export(world.deps, OWNER, job.id, order, None)
    with pytest.raises(JobNotFound):
        exports.start_export(world.deps, "someone-else", job.id, order, None)
