"""Write a table (a header and rows) to Google Sheets with gspread.

A new spreadsheet gets the header and the rows; an existing one gets the rows appended
to a tab (the header too when the tab is empty). Rows go in batches of at most
`rows_per_request` rows and `max_request_bytes` of JSON, far under the API's 10 MiB
request limit, with `values.append` INSERT_ROWS so nothing below is overwritten. Sheets
has per-minute quotas: a 429 is retried with exponential backoff, call by call (a
rate-limited call did nothing, so repeating it is safe). The header's formats go in one
batchUpdate. gspread's errors become the domain's AppErrors; none carries the access token.
"""

from __future__ import annotations

import json
import logging
import math
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import Any, ParamSpec, TypeVar

import gspread
import requests
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError, WorksheetNotFound
from gspread.http_client import ParamsType
from gspread.urls import DRIVE_FILES_API_V3_URL
from gspread.utils import InsertDataOption, MimeType, ValueInputOption, absolute_range_name

from shared.domain.errors import (
    AppError,
    GoogleScopeMissing,
    GoogleTokenInvalid,
    InvalidInput,
    SheetsRateLimited,
    SheetsRequestFailed,
    SheetsUnavailable,
    SpreadsheetNotFound,
    TabNotFound,
)

_log = logging.getLogger(__name__)

DEFAULT_ROWS_PER_REQUEST = 5000
# A fifth of Google's 10 MiB limit on a request: ample room for the JSON around the rows.
DEFAULT_MAX_REQUEST_BYTES = 2 * 1024 * 1024
# Waits of 2, 4, 8, 16, 32 s (plus jitter): five retries outlast a per-minute quota.
_FIRST_BACKOFF_SECONDS = 2.0
_MAX_BACKOFF_SECONDS = 64.0
_COLOUR = re.compile(r"#([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})")
# The JSON around the rows of an append: {"values": [...]}.
_ENVELOPE_BYTES = len('{"values": []}')
# Drive answers its rate limits with 403 and one of these reasons.
_DRIVE_RATE_REASONS = frozenset({"userRateLimitExceeded", "rateLimitExceeded"})

Cell = str | int | float
_P = ParamSpec("_P")
_T = TypeVar("_T")


@dataclass(frozen=True)
class SheetTarget:
    """Where the rows go: a new spreadsheet (no id) or an existing one."""

    spreadsheet_id: str | None = None
    title: str | None = None  # of a new spreadsheet
    folder_id: str | None = None  # the Drive folder of a new spreadsheet
    tab: str | None = None  # None: the first tab
    create_tab: bool = False  # add the tab if the spreadsheet has none by that name

    def __post_init__(self) -> None:
        if self.spreadsheet_id is None and not self.title:
            raise InvalidInput("A new spreadsheet needs a title.")


@dataclass(frozen=True)
class SheetStyle:
    bold_header: bool = True
    header_colour: str | None = "#E8F0FE"  # "#RRGGBB"
    freeze_header: bool = True
    auto_resize: bool = True

    def __post_init__(self) -> None:
        if self.header_colour is not None and not _COLOUR.fullmatch(self.header_colour):
            raise InvalidInput("The header colour must look like #RRGGBB.")


@dataclass(frozen=True)
class Sharing:
    collaborators: tuple[str, ...] = ()  # email addresses, made writers
    anyone_with_link: bool = False  # anyone with the link may read
    notify: bool = False  # whether Google emails the collaborators

    def __post_init__(self) -> None:
        if any("@" not in email for email in self.collaborators):
            raise InvalidInput("Collaborators are given by email address.")


@dataclass(frozen=True)
class SheetResult:
    spreadsheet_id: str
    url: str  # opens the tab written
    tab: str
    rows_written: int  # the header not counted
    requests: int  # value requests that wrote rows (the header included)


def write_rows(
    client: gspread.Client,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    target: SheetTarget,
    style: SheetStyle = SheetStyle(),
    sharing: Sharing = Sharing(),
    *,
    rows_per_request: int = DEFAULT_ROWS_PER_REQUEST,
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
    max_retries: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> SheetResult:
    """Write the table where `target` says, style its header, share the spreadsheet."""
    if not header:
        raise InvalidInput("A table needs a header.")
    call = _Retrying(max_retries, sleep)
    with _translated_errors():
        if target.spreadsheet_id is None:
            spreadsheet = _create(client, target, call)
            worksheet = call(spreadsheet.get_worksheet, 0)
            if target.tab is not None:
                call(worksheet.update_title, target.tab)
            header_needed = True
        else:
            spreadsheet = call(client.open_by_key, target.spreadsheet_id)
            worksheet, header_needed = _existing_tab(spreadsheet, target, len(header), call)
        table: Iterable[Sequence[object]] = chain([header], rows) if header_needed else rows
        written = requests_sent = 0
        for batch in _batches(table, rows_per_request, max_request_bytes):
            call(
                worksheet.append_rows,
                batch,
                value_input_option=ValueInputOption.raw,
                insert_data_option=InsertDataOption.insert_rows,
                table_range="A1",
            )
            written += len(batch)
            requests_sent += 1
        formats = _format_requests(worksheet.id, len(header), style, header_needed)
        if formats:
            call(spreadsheet.batch_update, {"requests": formats})
        _share(client, spreadsheet.id, sharing, call)
    return SheetResult(
        spreadsheet.id,
        worksheet.url,
        worksheet.title,
        written - 1 if header_needed else written,
        requests_sent,
    )


def _create(client: gspread.Client, target: SheetTarget, call: _Retrying) -> gspread.Spreadsheet:
    """Create the file, then open it: two calls retried apart, so a 429 on the second
    cannot create a second spreadsheet (gspread's `create` makes both in one method)."""
    body: dict[str, Any] = {"name": target.title, "mimeType": MimeType.google_sheets}
    if target.folder_id is not None:
        body["parents"] = [target.folder_id]
    params: ParamsType = {"supportsAllDrives": True}
    response = call(
        client.http_client.request, "post", DRIVE_FILES_API_V3_URL, json=body, params=params
    )
    return call(client.open_by_key, response.json()["id"])


def _existing_tab(
    spreadsheet: gspread.Spreadsheet, target: SheetTarget, width: int, call: _Retrying
) -> tuple[gspread.Worksheet, bool]:
    """The tab to append to, and whether it is empty (so needs the header)."""
    if target.tab is None:
        worksheet = call(spreadsheet.get_worksheet, 0)
    else:
        try:
            worksheet = call(spreadsheet.worksheet, target.tab)
        except WorksheetNotFound:
            if not target.create_tab:
                raise TabNotFound(
                    f"The spreadsheet has no tab named {target.tab!r}.", {"tab": target.tab}
                ) from None
            # One row to start with: each append inserts the rows it needs.
            return call(spreadsheet.add_worksheet, target.tab, rows=1, cols=width), True
    current = call(spreadsheet.values_get, absolute_range_name(worksheet.title))
    return worksheet, "values" not in current


def _batches(
    rows: Iterable[Sequence[object]], max_rows: int, max_bytes: int
) -> Iterator[list[list[Cell]]]:
    """Rows in groups under both caps; a row bigger than `max_bytes` goes alone."""
    batch: list[list[Cell]] = []
    size = _ENVELOPE_BYTES
    for row in rows:
        cells = [_cell(value) for value in row]
        # Measured as requests encodes it (ASCII-escaped), with the ", " between rows.
        row_bytes = len(json.dumps(cells)) + 2
        if batch and (len(batch) >= max_rows or size + row_bytes > max_bytes):
            yield batch
            batch, size = [], _ENVELOPE_BYTES
        batch.append(cells)
        size += row_bytes
    if batch:
        yield batch


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or infinity
    if isinstance(value, str | int | float):
        return value
    return str(value)


def _format_requests(
    sheet_id: int, width: int, style: SheetStyle, header_written: bool
) -> list[dict[str, Any]]:
    """One batch: the header's look and the frozen row when it was written; column widths."""
    requests: list[dict[str, Any]] = []
    if header_written:
        cell_format: dict[str, Any] = {}
        if style.bold_header:
            cell_format["textFormat"] = {"bold": True}
        if style.header_colour is not None:
            cell_format["backgroundColor"] = _rgb(style.header_colour)
        if cell_format:
            # Only these fields: the header's other formats stay as they are.
            fields = {"textFormat": "textFormat.bold", "backgroundColor": "backgroundColor"}
            mask = ",".join(f"userEnteredFormat.{fields[key]}" for key in cell_format)
            header_range = {
                "sheetId": sheet_id,
                "startRowIndex": 0,
                "endRowIndex": 1,
                "startColumnIndex": 0,
                "endColumnIndex": width,
            }
            requests.append(
                {
                    "repeatCell": {
                        "range": header_range,
                        "cell": {"userEnteredFormat": cell_format},
                        "fields": mask,
                    }
                }
            )
        if style.freeze_header:
            properties = {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 1}}
            requests.append(
                {
                    "updateSheetProperties": {
                        "properties": properties,
                        "fields": "gridProperties.frozenRowCount",
                    }
                }
            )
    if style.auto_resize:
        dimensions = {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": 0}
        requests.append({"autoResizeDimensions": {"dimensions": {**dimensions, "endIndex": width}}})
    return requests


def _rgb(colour: str) -> dict[str, float]:
    match = _COLOUR.fullmatch(colour)
    assert match is not None  # checked by SheetStyle
    red, green, blue = (int(part, 16) / 255 for part in match.groups())
    return {"red": red, "green": green, "blue": blue}


def _share(client: gspread.Client, file_id: str, sharing: Sharing, call: _Retrying) -> None:
    for email in sharing.collaborators:
        call(
            client.insert_permission,
            file_id,
            email,
            perm_type="user",
            role="writer",
            notify=sharing.notify,
        )
    if sharing.anyone_with_link:
        # A link-only permission: Drive does not list the file in searches.
        call(client.insert_permission, file_id, None, perm_type="anyone", role="reader")


class _Retrying:
    """Calls a gspread method, retrying it on rate limits with exponential backoff."""

    def __init__(self, max_retries: int, sleep: Callable[[float], None]) -> None:
        self.max_retries = max_retries
        self.sleep = sleep

    def __call__(self, method: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        attempt = 0
        while True:
            try:
                return method(*args, **kwargs)
            except APIError as error:
                if attempt >= self.max_retries or not _rate_limited(error):
                    raise
            delay = min(_FIRST_BACKOFF_SECONDS * 2**attempt, _MAX_BACKOFF_SECONDS)
            delay += random.random()  # concurrent exports do not retry in step
            attempt += 1
            _log.warning(
                "Google Sheets rate limit, retrying",
                extra={"attempt": attempt, "retry_in_seconds": round(delay, 2)},
            )
            self.sleep(delay)


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except APIError as error:
        raise _app_error(error) from error
    except gspread.exceptions.SpreadsheetNotFound as error:  # open_by_key's 404
        raise SpreadsheetNotFound(_NOT_FOUND) from error
    except PermissionError as error:  # open_by_key's 403, raised from the APIError
        if not isinstance(error.__cause__, APIError):
            raise
        raise _app_error(error.__cause__) from error
    except RefreshError as error:
        raise GoogleTokenInvalid(_TOKEN_INVALID) from error
    except (requests.RequestException, TransportError) as error:
        raise SheetsUnavailable("Google Sheets could not be reached; try again later.") from error


_NOT_FOUND = "The spreadsheet or folder does not exist, or this Google account may not edit it."
_TOKEN_INVALID = "Google did not accept the access token (missing or expired): sign in again."


def _app_error(error: APIError) -> AppError:
    status = error.response.status_code
    if status == 401:
        return GoogleTokenInvalid(_TOKEN_INVALID)
    if status == 403 and _scope_missing(error):
        return GoogleScopeMissing(
            "The Google sign-in did not grant access to Sheets and Drive files: "
            "sign in again and allow both."
        )
    if _rate_limited(error):
        return SheetsRateLimited("Google Sheets is rate limiting this account; try again soon.")
    if status in (403, 404):
        return SpreadsheetNotFound(_NOT_FOUND)
    details = {"google_status": status, "google_message": str(error.error.get("message", ""))}
    if status >= 500:
        return SheetsUnavailable("Google Sheets is unavailable; try again later.", details)
    return SheetsRequestFailed("Google Sheets refused the request.", details)


def _rate_limited(error: APIError) -> bool:
    status = error.response.status_code
    return status == 429 or (status == 403 and bool(_reasons(error) & _DRIVE_RATE_REASONS))


def _scope_missing(error: APIError) -> bool:
    reasons = _reasons(error)
    message = str(error.error.get("message", "")).lower()
    return (
        bool(reasons & {"ACCESS_TOKEN_SCOPE_INSUFFICIENT", "insufficientPermissions"})
        or "insufficient authentication scopes" in message
    )


def _reasons(error: APIError) -> set[str]:
    """The reasons Google gives: ErrorInfo details (Sheets) and the errors list (Drive)."""
    body: Mapping[str, Any] = error.error
    entries = [*body.get("details", []), *body.get("errors", [])]
    return {str(entry.get("reason")) for entry in entries if isinstance(entry, dict)}
