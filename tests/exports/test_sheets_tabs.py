"""A batch's books in one spreadsheet, a tab per book: the Sheets writer against the fake."""

from __future__ import annotations

import pytest

from infra.fake_sheets import FakeSheets
from shared.adapters.sheets.writer import GspreadSheetsWriter
from shared.domain.errors import SheetsRequestFailed
from shared.domain.exports import SheetsOptions
from shared.exports.workbooks import SHEETS_MAX_TITLE, sheet_titles
from shared.service.ports import WrittenSheet
from tests.exports.conftest import FIRST_TAB, TOKEN

HEAD = ["#", "Phrase", "Page"]
BOOKS = {
    "Le Comte de Monte-Cristo, tome 1.pdf": [
        [1, "Le 24 février 1815, la vigie signala le trois-mâts.", 1],
        [2, "« Qui vive ? » cria-t-on.", 1],
    ],
    "le comte de monte-cristo, TOME 1.PDF": [[1, "Un autre fichier du même tome.", 2]],
    "L'Assommoir : [1/2] !.pdf": [
        [1, "Gervaise avait attendu Lantier jusqu’à deux heures du matin.", 1],
        [2, "Puis, toute frissonnante, elle s’était jetée sur le lit.", 1],
        [3, "Fin.", 2],
    ],
}


def write_batch(
    writer: GspreadSheetsWriter, titles: list[str], tables: list[list[list[object]]]
) -> list[WrittenSheet]:
    """As the batch's export writes: the first book creates the spreadsheet, naming its
    tab; each other book adds its own tab to that spreadsheet."""
    first = writer(
        TOKEN, HEAD, tables[0], SheetsOptions(title="Ma série", tab=titles[0]), owner_email=None
    )
    written = [first]
    for title, rows in zip(titles[1:], tables[1:], strict=True):
        options = SheetsOptions(spreadsheet_id=first.spreadsheet_id, tab=title, create_tab=True)
        written.append(writer(TOKEN, HEAD, rows, options, owner_email=None))
    return written


def test_a_spreadsheet_gets_a_tab_per_book(fake: FakeSheets) -> None:
    writer = GspreadSheetsWriter(base_url=fake.url)
    titles = sheet_titles(list(BOOKS), SHEETS_MAX_TITLE)
    assert titles == [
        "Le Comte de Monte-Cristo, tome 1",
        "le comte de monte-cristo, TOME 1 (2)",
        "L'Assommoir : [1/2] !",
    ]

    written = write_batch(writer, titles, list(BOOKS.values()))

    [spreadsheet_id] = fake.spreadsheet_ids  # one spreadsheet for the three books
    assert [sheet.spreadsheet_id for sheet in written] == [spreadsheet_id] * 3
    assert [sheet.rows for sheet in written] == [2, 1, 3]
    spreadsheet = fake.spreadsheet(spreadsheet_id)
    assert spreadsheet.title == "Ma série"
    # The new spreadsheet's own tab renamed for the first book (no "Feuille 1" left), then
    # a tab added for each other book, in order.
    assert [tab.title for tab in spreadsheet.tabs] == titles
    assert spreadsheet.first_tab.sheet_id == 0
    assert FIRST_TAB not in [tab.title for tab in spreadsheet.tabs]
    renames = [
        request
        for request in spreadsheet.requests_of("updateSheetProperties")
        if request["fields"] == "title"
    ]
    assert renames == [{"properties": {"sheetId": 0, "title": titles[0]}, "fields": "title"}]
    added = [request["properties"]["title"] for request in spreadsheet.requests_of("addSheet")]
    assert added == titles[1:]
    for title, rows in zip(titles, BOOKS.values(), strict=True):
        tab = spreadsheet.tab(title)
        assert tab.values == [HEAD, *rows]
        assert tab.frozen_row_count == 1
    # Each book's link opens its own tab.
    base = f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}#gid="
    assert [sheet.url for sheet in written] == [
        base + str(tab.sheet_id) for tab in spreadsheet.tabs
    ]


def test_a_tab_title_taken_in_another_case_is_refused_as_sheets_does(fake: FakeSheets) -> None:
    """Why the titles go through sheet_titles: Sheets compares tab names without regard to
    case, while gspread looks a tab up by its exact name."""
    writer = GspreadSheetsWriter(base_url=fake.url)
    names = ["Germinal", "GERMINAL"]

    with pytest.raises(SheetsRequestFailed) as raised:
        write_batch(writer, names, [[[1, "Un.", 1]], [[1, "Deux.", 1]]])

    assert raised.value.details["google_status"] == 400
    assert raised.value.details["google_message"] == (
        'Invalid requests[0].addSheet: A sheet with the name "GERMINAL" already exists. '
        "Please enter another name."
    )
    [spreadsheet_id] = fake.spreadsheet_ids
    assert [tab.title for tab in fake.spreadsheet(spreadsheet_id).tabs] == ["Germinal"]


def test_a_new_spreadsheet_without_a_tab_keeps_the_one_sheets_named(fake: FakeSheets) -> None:
    writer = GspreadSheetsWriter(base_url=fake.url)

    written = writer(TOKEN, HEAD, [[1, "Seul.", 1]], SheetsOptions(title="Un livre"), None)

    spreadsheet = fake.spreadsheet(written.spreadsheet_id)
    assert [tab.title for tab in spreadsheet.tabs] == [FIRST_TAB]
    assert spreadsheet.requests_of("addSheet") == []
    assert written == WrittenSheet(
        f"https://docs.google.com/spreadsheets/d/{written.spreadsheet_id}#gid=0",
        1,
        written.spreadsheet_id,
    )
