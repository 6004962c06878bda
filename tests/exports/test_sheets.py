"""Writing tables to Google Sheets: real gspread against the local fake of Sheets and Drive."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import gspread
import pytest
from google.auth.credentials import Credentials
from google.auth.transport import Request

from infra.fake_sheets import FakeSheets
from shared.adapters.sheets.google_session import (
    BASE_URL_VARIABLE,
    service_account_client,
    sheets_client,
)
from shared.adapters.sheets.gspread_rows import (
    DEFAULT_MAX_REQUEST_BYTES,
    GoogleScopeMissing,
    GoogleTokenInvalid,
    Sharing,
    SheetResult,
    SheetsRateLimited,
    SheetStyle,
    SheetsUnavailable,
    SheetTarget,
    SpreadsheetNotFound,
    TabNotFound,
    write_rows,
)
from shared.domain.errors import AppError, ErrorKind
from tests.exports.conftest import FIRST_TAB, NARROW_TOKEN, TOKEN, RecordedSleep

HEADER = ["index", "text", "word_count", "page", "source_index", "method"]
SENTENCES = [
    "Il pleuvait sur la ville.",
    "« Avez-vous vu l’homme ? » demanda-t-elle.",
    "Étienne marchait d’un pas allongé.",
    "Ce jour-là, la fenêtre resta ouverte.",
    "Œuvre achevée en 1815 — à Paris.",
]
NEW = SheetTarget(title="Germinal — phrases courtes")


def table(count: int, start: int = 1) -> list[list[object]]:
    rows: list[list[object]] = []
    for index in range(start, start + count):
        text = SENTENCES[index % len(SENTENCES)]
        rows.append([index, text, len(text.split()), 1 + index // 40, index, "kept"])
    return rows


def texts(rows: Sequence[Sequence[object]]) -> list[list[str]]:
    """The rows as Sheets shows them (FORMATTED_VALUE): every cell as text."""
    return [[str(cell) for cell in row] for row in rows]


def assert_token_absent(error: BaseException, token: str = TOKEN) -> None:
    """Neither the error nor any error it was raised from shows the token."""
    seen: BaseException | None = error
    while seen is not None:
        assert token not in str(seen)
        assert token not in repr(seen)
        if isinstance(seen, AppError):
            assert token not in repr(seen.details)
        seen = seen.__cause__ or seen.__context__


def test_new_spreadsheet_gets_the_table_and_a_styled_header(
    fake: FakeSheets, client: gspread.Client, sleep: RecordedSleep
) -> None:
    rows = table(3)
    target = SheetTarget(title="Germinal", folder_id="dossier-42")

    result = write_rows(client, HEADER, rows, target, sleep=sleep)

    sheet = fake.spreadsheet(result.spreadsheet_id)
    assert (sheet.title, sheet.parents) == ("Germinal", ["dossier-42"])
    tab = sheet.tab(FIRST_TAB)
    assert tab.values == [HEADER, *rows]
    url = f"https://docs.google.com/spreadsheets/d/{sheet.spreadsheet_id}#gid=0"
    assert result == SheetResult(sheet.spreadsheet_id, url, FIRST_TAB, 3, 1)
    header_range = {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 1,
        "startColumnIndex": 0,
        "endColumnIndex": len(HEADER),
    }
    [header_format] = sheet.requests_of("repeatCell")
    assert header_format["range"] == header_range
    cell_format = header_format["cell"]["userEnteredFormat"]
    assert cell_format["textFormat"] == {"bold": True}
    blue = {"red": 0xE8 / 255, "green": 0xF0 / 255, "blue": 0xFE / 255}
    assert cell_format["backgroundColor"] == pytest.approx(blue)
    assert tab.frozen_row_count == 1
    [resize] = sheet.requests_of("autoResizeDimensions")
    assert resize["dimensions"] == {
        "sheetId": 0,
        "dimension": "COLUMNS",
        "startIndex": 0,
        "endIndex": len(HEADER),
    }
    assert len(fake.requests_to("sheets.spreadsheets.batchUpdate")) == 1  # all in one
    assert sleep.delays == []


def test_a_new_spreadsheet_can_name_its_tab(fake: FakeSheets, client: gspread.Client) -> None:
    target = SheetTarget(title="Germinal", tab="Phrases")
    result = write_rows(client, HEADER, table(2), target)
    sheet = fake.spreadsheet(result.spreadsheet_id)
    assert [tab.title for tab in sheet.tabs] == ["Phrases"]
    assert result.tab == "Phrases"
    assert sheet.tab("Phrases").values == [HEADER, *table(2)]


def test_without_style_no_batch_update_is_sent(fake: FakeSheets, client: gspread.Client) -> None:
    plain = SheetStyle(
        bold_header=False, header_colour=None, freeze_header=False, auto_resize=False
    )
    write_rows(client, HEADER, table(2), NEW, plain)
    assert fake.requests_to("sheets.spreadsheets.batchUpdate") == []


def test_rows_append_to_a_named_tab_created_on_request(
    fake: FakeSheets, client: gspread.Client
) -> None:
    existing = fake.add_spreadsheet("Mes lectures", tabs=("Notes",))
    target = SheetTarget(existing.spreadsheet_id, tab="L'Assommoir", create_tab=True)

    first = write_rows(client, HEADER, table(2), target)
    second = write_rows(client, HEADER, table(3, start=3), target)

    sheet = fake.spreadsheet(existing.spreadsheet_id)
    assert [tab.title for tab in sheet.tabs] == ["Notes", "L'Assommoir"]
    assert sheet.tab("L'Assommoir").values == [HEADER, *table(5)]  # one header
    assert (first.rows_written, second.rows_written) == (2, 3)
    assert len(sheet.requests_of("addSheet")) == 1
    assert len(sheet.requests_of("repeatCell")) == 1  # the header styled once


def test_rows_append_after_the_data_of_the_first_tab(
    fake: FakeSheets, client: gspread.Client
) -> None:
    existing = fake.add_spreadsheet("Mes lectures", tabs=("Notes",))
    existing.tab("Notes").rows.extend(texts([HEADER, *table(2)]))

    write_rows(client, HEADER, table(2, start=3), SheetTarget(existing.spreadsheet_id))

    notes = fake.spreadsheet(existing.spreadsheet_id).tab("Notes")
    assert texts(notes.values) == texts([HEADER, *table(4)])


def test_a_missing_tab_is_an_error_unless_creating_it(
    fake: FakeSheets, client: gspread.Client
) -> None:
    existing = fake.add_spreadsheet("Mes lectures", tabs=("Notes",))
    target = SheetTarget(existing.spreadsheet_id, tab="Germinal")

    with pytest.raises(TabNotFound) as raised:
        write_rows(client, HEADER, table(2), target)

    assert (raised.value.kind, raised.value.code) == (ErrorKind.CONFLICT, "SHEET_TAB_NOT_FOUND")
    assert raised.value.details == {"tab": "Germinal"}
    assert [tab.title for tab in fake.spreadsheet(existing.spreadsheet_id).tabs] == ["Notes"]
    assert fake.requests_to("sheets.values.append") == []


def test_a_large_table_goes_in_requests_under_the_row_cap(
    fake: FakeSheets, client: gspread.Client
) -> None:
    rows = table(12_000)

    result = write_rows(client, HEADER, rows, NEW)

    appends = fake.requests_to("sheets.values.append")
    assert [len(request.json["values"]) for request in appends] == [5000, 5000, 2001]
    assert all(request.body_bytes <= DEFAULT_MAX_REQUEST_BYTES for request in appends)
    assert (result.rows_written, result.requests) == (12_000, 3)
    assert fake.spreadsheet(result.spreadsheet_id).tab(FIRST_TAB).values == [HEADER, *rows]


def test_long_rows_go_in_requests_under_the_byte_cap(
    fake: FakeSheets, client: gspread.Client
) -> None:
    rows = [[index, "Une très longue phrase. " * 80] for index in range(1, 301)]
    cap = 100_000

    result = write_rows(client, ["index", "text"], rows, NEW, max_request_bytes=cap)

    appends = fake.requests_to("sheets.values.append")
    assert len(appends) > 1
    assert all(cap * 0.9 < request.body_bytes <= cap for request in appends[:-1])
    assert appends[-1].body_bytes <= cap
    assert sum(len(request.json["values"]) for request in appends) == 301
    assert result.requests == len(appends)


def test_rate_limits_are_retried_with_growing_backoff(
    fake: FakeSheets, client: gspread.Client, sleep: RecordedSleep
) -> None:
    fake.fail_next(429, times=2)

    result = write_rows(client, HEADER, table(2), NEW, sleep=sleep)

    assert [request.status for request in fake.requests[:3]] == [429, 429, 200]
    assert len(sleep.delays) == 2
    assert 2 <= sleep.delays[0] < 3 <= 4 <= sleep.delays[1] < 5
    assert fake.spreadsheet_ids == [result.spreadsheet_id]


def test_a_rate_limited_open_does_not_create_a_second_spreadsheet(
    fake: FakeSheets, client: gspread.Client, sleep: RecordedSleep
) -> None:
    fake.fail_next(429, api_method="sheets.spreadsheets.get")

    result = write_rows(client, HEADER, table(2), NEW, sleep=sleep)

    assert fake.spreadsheet_ids == [result.spreadsheet_id]
    assert len(fake.requests_to("drive.files.create")) == 1
    assert len(sleep.delays) == 1


def test_a_rate_limit_that_lasts_ends_in_a_retryable_error(
    fake: FakeSheets, client: gspread.Client, sleep: RecordedSleep
) -> None:
    fake.fail_next(429, times=100)

    with pytest.raises(SheetsRateLimited) as raised:
        write_rows(client, HEADER, table(2), NEW, max_retries=3, sleep=sleep)

    error = raised.value
    assert (error.kind, error.code, error.transient) == (
        ErrorKind.LIMITED,
        "SHEETS_RATE_LIMITED",
        True,
    )
    assert len(sleep.delays) == 3
    assert sleep.delays == sorted(sleep.delays)
    assert len(fake.requests) == 4
    assert fake.spreadsheet_ids == []
    assert_token_absent(error)


def test_a_server_error_is_retryable_by_the_caller_not_here(
    fake: FakeSheets, client: gspread.Client, sleep: RecordedSleep
) -> None:
    fake.fail_next(503)

    with pytest.raises(SheetsUnavailable) as raised:
        write_rows(client, HEADER, table(2), NEW, sleep=sleep)

    assert (raised.value.kind, raised.value.transient) == (ErrorKind.TRANSIENT, True)
    assert sleep.delays == []
    assert_token_absent(raised.value)


def test_an_invalid_token_asks_for_a_new_sign_in(fake: FakeSheets) -> None:
    expired = "ya29.expired-token-9876543210"
    client = sheets_client(expired, base_url=fake.url)

    with pytest.raises(GoogleTokenInvalid) as raised:
        write_rows(client, HEADER, table(2), NEW)

    assert (raised.value.kind, raised.value.code) == (
        ErrorKind.UNAUTHENTICATED,
        "GOOGLE_TOKEN_INVALID",
    )
    assert [request.status for request in fake.requests] == [401]  # no refresh, no retry
    assert_token_absent(raised.value, expired)


def test_a_token_without_the_scopes_is_reported(fake: FakeSheets) -> None:
    client = sheets_client(NARROW_TOKEN, base_url=fake.url)

    with pytest.raises(GoogleScopeMissing) as raised:
        write_rows(client, HEADER, table(2), NEW)

    assert (raised.value.kind, raised.value.code) == (ErrorKind.FORBIDDEN, "GOOGLE_SCOPE_MISSING")
    assert_token_absent(raised.value, NARROW_TOKEN)


def test_an_unknown_spreadsheet_is_not_found(client: gspread.Client) -> None:
    with pytest.raises(SpreadsheetNotFound) as raised:
        write_rows(client, HEADER, table(2), SheetTarget("1NoSuchSpreadsheet"))

    assert (raised.value.kind, raised.value.code) == (ErrorKind.NOT_FOUND, "SPREADSHEET_NOT_FOUND")
    assert_token_absent(raised.value)


def test_sharing_makes_collaborators_writers_and_opens_the_link(
    fake: FakeSheets, client: gspread.Client
) -> None:
    sharing = Sharing(("marie@example.com", "paul@example.org"), anyone_with_link=True)

    result = write_rows(client, HEADER, table(2), NEW, sharing=sharing)

    permissions = fake.spreadsheet(result.spreadsheet_id).permissions
    assert [(p.type, p.role, p.address, p.notified) for p in permissions] == [
        ("user", "writer", "marie@example.com", False),
        ("user", "writer", "paul@example.org", False),
        ("anyone", "reader", None, False),
    ]
    assert permissions[2].allow_file_discovery is False  # only those with the link


def test_collaborators_are_emailed_only_when_asked(
    fake: FakeSheets, client: gspread.Client
) -> None:
    sharing = Sharing(("marie@example.com",), notify=True)
    result = write_rows(client, HEADER, table(1), NEW, sharing=sharing)
    [permission] = fake.spreadsheet(result.spreadsheet_id).permissions
    assert permission.notified


def test_french_text_survives_the_round_trip(client: gspread.Client) -> None:
    rows: list[list[object]] = [
        [1, "« Ça ira, dit-elle », puis elle s’éloigna\u00a0; l’été finissait."],
        [2, "Cœur, œuvre, Noël, maïs, Île-de-France — déjà là."],
    ]

    result = write_rows(client, ["index", "texte"], rows, NEW)

    worksheet = client.open_by_key(result.spreadsheet_id).sheet1
    assert worksheet.get_all_values() == texts([["index", "texte"], *rows])


def test_the_base_url_can_come_from_the_environment(
    fake: FakeSheets, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BASE_URL_VARIABLE, fake.url)
    result = write_rows(sheets_client(TOKEN), HEADER, table(1), NEW)
    assert fake.spreadsheet(result.spreadsheet_id).title == NEW.title


class _ServiceAccountCredentials(Credentials):
    """Credentials whose refresh hands out a token, as a service account's does."""

    def refresh(self, request: Request) -> None:
        self.token = TOKEN


def test_a_service_account_creates_the_sheet_and_shares_it_with_the_user(
    fake: FakeSheets,
) -> None:
    client = service_account_client(_ServiceAccountCredentials(), base_url=fake.url)
    sharing = Sharing(("marie@example.com",), notify=True)

    result = write_rows(client, HEADER, table(2), NEW, sharing=sharing)

    [permission] = fake.spreadsheet(result.spreadsheet_id).permissions
    assert (permission.address, permission.role, permission.notified) == (
        "marie@example.com",
        "writer",
        True,
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: SheetTarget(),
        lambda: SheetStyle(header_colour="bleu"),
        lambda: Sharing(("pas-une-adresse",)),
    ],
    ids=["new-without-title", "bad-colour", "bad-email"],
)
def test_invalid_options_are_refused(make: Callable[[], object]) -> None:
    with pytest.raises(AppError) as raised:
        make()
    assert raised.value.kind is ErrorKind.INVALID_INPUT
