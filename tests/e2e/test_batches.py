"""Batches through the local system: books uploaded to their own signed URLs, one bad
file failing alone, a file never uploaded expiring alone, books ending together
completing the batch exactly once, and exports with a tab, a sheet or a CSV per book."""

from __future__ import annotations

import io
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import openpyxl
import pytest
import requests

from infra.api_client import ApiClient
from infra.fake_sheets import FakeSheets
from tests.books.builder import Book, Chapter, corpus_names, load_text, not_a_pdf, render_pdf
from tests.e2e.conftest import UPLOAD_GRACE_SECONDS, UPLOAD_URL_SECONDS
from tests.e2e.webhook_receivers import of_type, payload, receiver, wait_for

pytestmark = pytest.mark.stack

FINAL = ("completed", "completed_with_failures", "cancelled")


def create(client: ApiClient, name: str, files: list[tuple[str, bytes]]) -> dict[str, Any]:
    body = {
        "name": name,
        "files": [{"filename": f, "size_bytes": len(data)} for f, data in files],
        "settings": {"sentence_length_limit": 8, "engine": "offline"},
    }
    return client.call("POST", "/batches", json=body)


def wait_batch(client: ApiClient, batch_id: str, timeout: float = 300.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        batch = client.call("GET", f"/batches/{batch_id}")
        if batch["status"] in FINAL:
            return batch
        if time.monotonic() > deadline:
            raise TimeoutError(f"batch {batch_id} still {batch['status']}")
        time.sleep(0.2)


def download(url: str) -> bytes:
    response = requests.get(url, timeout=30)
    response.raise_for_status()
    return response.content


def put_all(client: ApiClient, created: dict[str, Any], files: list[bytes]) -> None:
    """Each file to its signed URL, all at once."""
    with ThreadPoolExecutor(len(files)) as pool:
        list(pool.map(client.put_file, created["uploads"], files))


def small_book(title: str, text: str) -> bytes:
    return render_pdf(Book(title, [Chapter("I", load_text(text)[:6])])).pdf


@pytest.fixture(scope="module")
def expiring(reader: ApiClient, sample_pdf: bytes) -> tuple[dict[str, Any], float]:
    """A batch of two files, made first: one uploaded, one never (it expires alone)."""
    created = create(reader, "À moitié", [("arrive.pdf", sample_pdf), ("jamais.pdf", sample_pdf)])
    reader.put_file(created["uploads"][0], sample_pdf)
    return created, time.monotonic()


@pytest.fixture(scope="module")
def finished(
    reader: ApiClient, sample_pdf: bytes, expiring: tuple[dict[str, Any], float]
) -> dict[str, Any]:
    """Two copies of the sample and a picture: two books complete, one fails. (The
    expiring batch is made before, so that its wait overlaps these tests.)"""
    files = [("Germinal.pdf", sample_pdf), ("germinal.pdf", sample_pdf), ("photo.pdf", not_a_pdf())]
    created = create(reader, "Zola", files)
    put_all(reader, created, [data for _, data in files])
    return wait_batch(reader, created["batch"]["batch_id"])


def test_one_bad_file_fails_alone_and_the_batch_completes_with_failures(
    reader: ApiClient, finished: dict[str, Any], expected_sentences: list[dict[str, object]]
) -> None:
    assert finished["status"] == "completed_with_failures"
    assert (finished["files"], finished["ended"], finished["failed"]) == (3, 3, 1)
    assert finished["by_status"]["completed"] == 2 and finished["by_status"]["failed"] == 1
    good, twin, bad = finished["books"]
    assert bad["error"]["code"] == "NOT_A_PDF" and bad["status"] == "failed"
    for book in (good, twin):
        assert book["status"] == "completed"
        texts = [s["text"] for s in reader.sentences(book["job_id"])]
        assert texts == [s["text"] for s in expected_sentences]
    assert finished["progress"]["sentences"] == 2 * len(expected_sentences)
    listed = reader.call("GET", "/batches", params={"limit": 100})["batches"]
    assert finished["batch_id"] in [b["batch_id"] for b in listed]


def test_exports_hold_a_sheet_a_csv_or_a_tab_per_completed_book(
    reader: ApiClient,
    finished: dict[str, Any],
    fake_sheets: FakeSheets,
    expected_sentences: list[dict[str, object]],
) -> None:
    batch_id, count = finished["batch_id"], len(expected_sentences)
    path = f"/batches/{batch_id}/exports"

    xlsx = reader.call("POST", path, json={"kind": "xlsx", "columns": ["sentence"]})
    if xlsx["status"] != "done":  # over the inline size: it runs as a task
        xlsx = _finished_export(reader, xlsx["export_id"])
    workbook = openpyxl.load_workbook(io.BytesIO(download(xlsx["url"])))
    assert workbook.sheetnames == ["Germinal", "germinal (2)"]
    for sheet in workbook.worksheets:
        assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Phrase"] + [
            s["text"] for s in expected_sentences
        ]

    archive = reader.call("POST", path, json={"kind": "csv"})
    archive = _finished_export(reader, archive["export_id"])
    with zipfile.ZipFile(io.BytesIO(download(archive["url"]))) as files:
        assert files.namelist() == ["Germinal.csv", "germinal (2).csv"]
        rows = files.read("Germinal.csv").decode("utf-8-sig").strip().splitlines()
    assert len(rows) == count + 1

    before = set(fake_sheets.spreadsheet_ids)
    sheets = reader.call(
        "POST", path, json={"kind": "google_sheets", "columns": ["index", "sentence"]},
        headers={"X-Google-Access-Token": "ya29.batch-token"},
    )  # fmt: skip
    sheets = _finished_export(reader, sheets["export_id"])
    (spreadsheet_id,) = set(fake_sheets.spreadsheet_ids) - before
    spreadsheet = fake_sheets.spreadsheet(spreadsheet_id)
    assert [tab.title for tab in spreadsheet.tabs] == ["Germinal", "germinal (2)"]
    assert all(len(tab.values) == count + 1 for tab in spreadsheet.tabs)
    assert sheets["rows"] == 2 * count


def test_books_ending_together_complete_the_batch_exactly_once(client_for: Any) -> None:
    client = client_for("batch-racer")
    texts = corpus_names()[:4] * 2
    books = [(f"conte-{n}.pdf", small_book(f"Conte {n}", text)) for n, text in enumerate(texts)]
    with receiver() as hooks:
        body = {"url": hooks.url(), "events": ["batch.completed"]}
        secret = client.call("POST", "/webhooks", json=body)["secret"]
        created = create(client, "Contes", books)
        put_all(client, created, [data for _, data in books])  # at once: they end together
        batch = wait_batch(client, created["batch"]["batch_id"])
        wait_for(hooks, 1, "batch.completed")
        time.sleep(2)  # a second announcement would have come by now
        announced = of_type(hooks, "batch.completed")
    assert (batch["status"], batch["ended"], batch["failed"]) == ("completed", len(books), 0)
    (event,) = [payload(request, secret) for request in announced]
    assert event["data"]["batch_id"] == batch["batch_id"] and event["data"]["files"] == len(books)


def test_a_file_never_uploaded_expires_alone_and_the_batch_moves_on(
    reader: ApiClient, expiring: tuple[dict[str, Any], float]
) -> None:
    created, made_at = expiring
    batch_id = created["batch"]["batch_id"]
    arrived, never = (u["job_id"] for u in created["uploads"])
    assert reader.wait(arrived)["status"] == "completed"
    time.sleep(max(0.0, made_at + UPLOAD_URL_SECONDS + UPLOAD_GRACE_SECONDS - time.monotonic()))
    batch = wait_batch(reader, batch_id, timeout=60)
    assert batch["status"] == "completed_with_failures"
    books = {book["job_id"]: book for book in batch["books"]}
    assert books[arrived]["status"] == "completed"
    assert books[never]["error"]["code"] == "UPLOAD_EXPIRED"


def _finished_export(client: ApiClient, export_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        export = client.call("GET", f"/exports/{export_id}")
        if export["status"] in ("done", "failed") or time.monotonic() > deadline:
            assert export["status"] == "done", export["error"]
            return export
        time.sleep(0.1)
