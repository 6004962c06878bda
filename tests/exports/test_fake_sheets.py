"""The fake Sheets and Drive server itself: A1 ranges, values semantics, Google's errors."""

from __future__ import annotations

import gspread
import pytest
import requests
from gspread.http_client import ParamsType

from infra.fake_sheets import FakeSheets
from infra.fake_sheets.a1 import A1Range, GridRange, format_range, parse
from shared.adapters.sheets.google_session import sheets_client
from tests.exports.conftest import FIRST_TAB, TOKEN

RAW: ParamsType = {"valueInputOption": "RAW"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'Tab name'!A1:C10", A1Range("Tab name", GridRange(0, 10, 0, 3))),
        ("'L''Assommoir'!B2", A1Range("L'Assommoir", GridRange(1, 2, 1, 2))),
        ("'Notes!2024'!A:C", A1Range("Notes!2024", GridRange(0, None, 0, 3))),
        ("Sheet1!A5:B", A1Range("Sheet1", GridRange(4, None, 0, 2))),
        ("Sheet1!2:4", A1Range("Sheet1", GridRange(1, 4, 0, None))),
        ("AA1:AB3", A1Range(None, GridRange(0, 3, 26, 28))),
        ("'Feuille 1'", A1Range("Feuille 1", GridRange())),
        ("Phrases", A1Range("Phrases", GridRange())),
    ],
)
def test_a1_ranges_parse_with_quoted_tab_names(text: str, expected: A1Range) -> None:
    assert parse(text) == expected


def test_a1_ranges_quote_tab_names_only_when_needed() -> None:
    assert format_range("Sheet1", 0, 0, 3, 2) == "Sheet1!A1:B3"
    assert format_range("L'Assommoir", 1, 1, 2, 2) == "'L''Assommoir'!B2"
    assert format_range("Feuille 1", 0, 26, 1, 28) == "'Feuille 1'!AA1:AB1"


@pytest.mark.parametrize("text", ["'Unclosed!A1", "'Tab'A1", "Tab!A0", "Tab!A1:"])
def test_malformed_ranges_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse(text)


@pytest.fixture
def spreadsheet(client: gspread.Client) -> gspread.Spreadsheet:
    return client.create("Essais")


def test_values_round_trip_in_a_quoted_tab(spreadsheet: gspread.Spreadsheet) -> None:
    spreadsheet.add_worksheet("L'Assommoir", rows=10, cols=5)

    spreadsheet.values_update("'L''Assommoir'!B2", RAW, {"values": [[1, "é"], [2.5, True]]})

    answer = spreadsheet.values_get("'L''Assommoir'!B2:C3")
    assert answer["range"] == "'L''Assommoir'!B2:C3"
    assert answer["values"] == [["1", "é"], ["2.5", "TRUE"]]  # FORMATTED_VALUE
    unformatted = spreadsheet.values_get(
        "'L''Assommoir'!B2:C3", {"valueRenderOption": "UNFORMATTED_VALUE"}
    )
    assert unformatted["values"] == [[1, "é"], [2.5, True]]


def test_append_writes_after_the_table(fake: FakeSheets, spreadsheet: gspread.Spreadsheet) -> None:
    params: ParamsType = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
    first = spreadsheet.values_append(f"'{FIRST_TAB}'!A1", params, {"values": [["a", "b"]] * 2})
    second = spreadsheet.values_append(f"'{FIRST_TAB}'!A1", params, {"values": [["c"]]})

    assert "tableRange" not in first
    assert first["updates"]["updatedRange"] == f"'{FIRST_TAB}'!A1:B2"
    assert second["tableRange"] == f"'{FIRST_TAB}'!A1:B2"
    assert second["updates"]["updatedRange"] == f"'{FIRST_TAB}'!A3"
    tab = fake.spreadsheet(spreadsheet.id).tab(FIRST_TAB)
    assert tab.values == [["a", "b"], ["a", "b"], ["c"]]
    assert tab.row_count == 1000 + 3  # INSERT_ROWS adds the rows it writes


def test_append_overwrite_grows_the_grid_only_past_its_end(
    fake: FakeSheets, spreadsheet: gspread.Spreadsheet
) -> None:
    worksheet = spreadsheet.add_worksheet("Court", rows=2, cols=2)
    params: ParamsType = {"valueInputOption": "USER_ENTERED"}

    spreadsheet.values_append("Court!A1", params, {"values": [["1", "'2", "vrai"]] * 3})

    tab = fake.spreadsheet(spreadsheet.id).tab(worksheet.title)
    assert (tab.row_count, tab.column_count) == (3, 3)
    assert tab.values == [[1, "2", "vrai"]] * 3  # USER_ENTERED reads numbers, keeps '-text


def test_writing_past_the_grid_is_refused(spreadsheet: gspread.Spreadsheet) -> None:
    with pytest.raises(gspread.exceptions.APIError) as raised:
        spreadsheet.values_update(f"'{FIRST_TAB}'!A1000", RAW, {"values": [["x"], ["y"]]})
    assert raised.value.code == 400
    assert "exceeds grid limits. Max rows: 1000, max columns: 26" in str(raised.value)


def test_values_batch_update_is_all_or_nothing(
    fake: FakeSheets, spreadsheet: gspread.Spreadsheet
) -> None:
    good = {"range": f"'{FIRST_TAB}'!A1", "values": [["kept?"]]}
    unknown_tab = {"range": "'Absent'!A1", "values": [["x"]]}

    with pytest.raises(gspread.exceptions.APIError, match="Unable to parse range"):
        spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": [good, unknown_tab]})

    assert fake.spreadsheet(spreadsheet.id).tab(FIRST_TAB).values == []
    answer = spreadsheet.values_batch_update({"valueInputOption": "RAW", "data": [good]})
    assert answer["totalUpdatedCells"] == 1


def test_batch_update_is_atomic(fake: FakeSheets, spreadsheet: gspread.Spreadsheet) -> None:
    same_name = [{"addSheet": {"properties": {"title": t}}} for t in ("Résumé", "RÉSUMÉ")]

    with pytest.raises(gspread.exceptions.APIError, match="already exists"):
        spreadsheet.batch_update({"requests": same_name})

    assert [tab.title for tab in fake.spreadsheet(spreadsheet.id).tabs] == [FIRST_TAB]


def test_requests_over_the_size_limit_are_refused_as_google_does() -> None:
    with FakeSheets(max_request_bytes=1000) as small:
        spreadsheet = small.add_spreadsheet("Essais")
        url = f"{small.url}/v4/spreadsheets/{spreadsheet.spreadsheet_id}/values/A1"
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with requests.Session() as session:
            too_big = session.put(url, params=RAW, json={"values": [["x" * 2000]]}, headers=headers)
            small_enough = session.put(url, params=RAW, json={"values": [["x"]]}, headers=headers)

    assert too_big.status_code == 400
    error = too_big.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == "Request payload size exceeds the limit: 1000 bytes."
    assert small_enough.status_code == 200  # the connection was left usable
    assert [request.body_bytes > 1000 for request in small.requests] == [True, False]


def test_a_request_without_credentials_gets_googles_401(fake: FakeSheets) -> None:
    answer = requests.get(f"{fake.url}/v4/spreadsheets/abc", timeout=5)

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    error = answer.json()["error"]
    assert error["status"] == "UNAUTHENTICATED"
    assert error["details"][0]["reason"] == "CREDENTIALS_MISSING"


def test_drive_errors_carry_the_errors_list(fake: FakeSheets) -> None:
    answer = requests.get(
        f"{fake.url}/drive/v3/files/absent/permissions",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )

    assert answer.status_code == 404
    assert answer.json()["error"]["errors"][0]["reason"] == "notFound"


def test_scripted_failures_can_target_one_api_method(
    fake: FakeSheets, spreadsheet: gspread.Spreadsheet
) -> None:
    fake.fail_next(503, api_method="sheets.values.get")

    spreadsheet.values_update(f"'{FIRST_TAB}'!A1", RAW, {"values": [["ok"]]})
    with pytest.raises(gspread.exceptions.APIError) as raised:
        spreadsheet.values_get(f"'{FIRST_TAB}'!A1")

    assert raised.value.code == 503
    assert spreadsheet.values_get(f"'{FIRST_TAB}'!A1")["values"] == [["ok"]]


def test_the_cell_limit_counts_every_grid_cell() -> None:
    with FakeSheets(max_cells=30) as small:
        sheet = small.add_spreadsheet("Essais")
        sheet.tabs[0].row_count, sheet.tabs[0].column_count = 5, 5
        client = sheets_client(TOKEN, base_url=small.url)
        spreadsheet = client.open_by_key(sheet.spreadsheet_id)
        params: ParamsType = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}

        with pytest.raises(gspread.exceptions.APIError, match="above the limit of 30 cells"):
            spreadsheet.values_append("Sheet1!A1", params, {"values": [["x"]] * 2})

    assert (sheet.tabs[0].row_count, sheet.tabs[0].values) == (5, [])
