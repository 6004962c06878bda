"""Exports through the local system: files downloaded from signed URLs, Google Sheets
through real gspread against a fake of the Sheets and Drive APIs, large exports as tasks."""

from __future__ import annotations

import csv
import io
import time

import openpyxl
import pytest
import requests

from infra.api_client import ApiClient
from infra.fake_sheets import FakeSheets
from tests.e2e.conftest import EXPORT_INLINE_ROWS

pytestmark = pytest.mark.stack

GOOGLE_TOKEN = {"X-Google-Access-Token": "ya29.user-access-token"}


@pytest.fixture(scope="module")
def completed(reader: ApiClient, sample_pdf: bytes) -> dict[str, object]:
    created = reader.create_upload("roman.pdf", len(sample_pdf), 8)
    reader.put_file(created, sample_pdf)
    return reader.wait(created["job_id"])


def download(url: str) -> bytes:
    response = requests.get(url, timeout=30)
    response.raise_for_status()
    return response.content


def test_a_csv_export_downloads_from_a_signed_url(
    reader: ApiClient, completed: dict[str, object], expected_sentences: list[dict[str, object]]
) -> None:
    body = {"kind": "csv", "columns": ["index", "sentence", "page"], "indices": [0, 3, 7]}

    export = reader.call("POST", f"/jobs/{completed['job_id']}/exports", json=body)

    data = download(export["url"])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert data.startswith(b"\xef\xbb\xbf") and export["status"] == "done"
    assert rows == [["#", "Phrase", "Page"]] + [
        [str(i + 1), str(expected_sentences[i]["text"]), str(expected_sentences[i]["page"])]
        for i in (0, 3, 7)
    ]
    job = reader.job(str(completed["job_id"]))
    assert job["exports"][-1]["export_id"] == export["export_id"]


def test_a_large_xlsx_export_runs_as_a_task_with_its_status(
    reader: ApiClient, completed: dict[str, object], expected_sentences: list[dict[str, object]]
) -> None:
    assert len(expected_sentences) > EXPORT_INLINE_ROWS
    response = reader.request(
        "POST",
        f"/jobs/{completed['job_id']}/exports",
        json={"kind": "xlsx", "columns": ["sentence"]},
    )
    assert response.status_code == 202
    export_id = response.json()["export_id"]

    for _ in range(100):
        export = reader.call("GET", f"/exports/{export_id}")
        if export["status"] in ("done", "failed"):
            break
        time.sleep(0.1)

    assert export["status"] == "done", export["error"]
    sheet = openpyxl.load_workbook(io.BytesIO(download(export["url"]))).active
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values == ["Phrase"] + [s["text"] for s in expected_sentences]


def test_a_google_sheets_export_writes_the_cells_and_shares_the_sheet(
    reader: ApiClient, completed: dict[str, object], fake_sheets: FakeSheets
) -> None:
    body = {
        "kind": "google_sheets",
        "columns": ["index", "sentence"],
        "indices": [0, 1, 2],
        "sheets": {"title": "Mes phrases", "collaborators": ["prof@example.com"]},
    }

    export = reader.call(
        "POST", f"/jobs/{completed['job_id']}/exports", json=body, headers=GOOGLE_TOKEN
    )

    assert export["status"] == "done" and export["rows"] == 3
    assert "docs.google.com/spreadsheets" in export["url"]
    assert any(call.path.endswith("/permissions") for call in fake_sheets.requests)


def test_sheets_without_a_google_token_is_a_clear_401(
    reader: ApiClient, completed: dict[str, object]
) -> None:
    response = reader.request(
        "POST", f"/jobs/{completed['job_id']}/exports", json={"kind": "google_sheets"}
    )

    assert (response.status_code, response.json()["error"]["code"]) == (401, "GOOGLE_TOKEN_MISSING")


def test_another_users_export_is_not_found(
    reader: ApiClient, completed: dict[str, object], client_for
) -> None:  # type: ignore[no-untyped-def]
    export = reader.call("POST", f"/jobs/{completed['job_id']}/exports", json={"kind": "csv"})

    assert (
        client_for("someone-else").request("GET", f"/exports/{export['export_id']}").status_code
        == 404
    )


def test_the_old_export_to_sheet_body_still_works(reader: ApiClient) -> None:
    body = {"sentences": ["Il pleut.", "Elle rit."], "sheetName": "Phrases"}

    answer = reader.call("POST", "/export-to-sheet", json=body, headers=GOOGLE_TOKEN)

    assert answer["success"] is True and answer["spreadsheet_url"]


def test_an_expired_google_token_is_a_401_the_frontend_can_act_on(
    reader: ApiClient, completed: dict[str, object], fake_sheets: FakeSheets
) -> None:
    fake_sheets.valid_tokens = {"a-fresh-token"}
    try:
        response = reader.request(
            "POST",
            f"/jobs/{completed['job_id']}/exports",
            json={"kind": "google_sheets", "indices": [0], "sheets": {"title": "Phrases"}},
            headers=GOOGLE_TOKEN,
        )
    finally:
        fake_sheets.valid_tokens = None

    assert (response.status_code, response.json()["error"]["code"]) == (401, "GOOGLE_TOKEN_INVALID")
    assert GOOGLE_TOKEN["X-Google-Access-Token"] not in response.text
