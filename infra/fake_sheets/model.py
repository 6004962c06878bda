"""The fake's in-memory state: spreadsheets, their tabs and cell values, Drive permissions."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from infra.fake_sheets.google_errors import ApiError

SPREADSHEET_MIME_TYPE = "application/vnd.google-apps.spreadsheet"
# A new tab's grid when the request does not say (the Sheets UI's default too).
DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26


@dataclass
class Tab:
    """One sheet of a spreadsheet. `rows` holds the values written ("" is an empty cell)."""

    sheet_id: int
    title: str
    index: int
    row_count: int = DEFAULT_ROWS
    column_count: int = DEFAULT_COLUMNS
    frozen_row_count: int = 0
    frozen_column_count: int = 0
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def values(self) -> list[list[Any]]:
        """The values with trailing empty cells and rows left out, as the API returns them."""
        return trimmed(self.rows)

    @property
    def cells(self) -> int:
        return self.row_count * self.column_count

    def properties(self) -> dict[str, Any]:
        grid: dict[str, int] = {"rowCount": self.row_count, "columnCount": self.column_count}
        # The API leaves zero counts out.
        if self.frozen_row_count:
            grid["frozenRowCount"] = self.frozen_row_count
        if self.frozen_column_count:
            grid["frozenColumnCount"] = self.frozen_column_count
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }

    def set(self, row: int, col: int, value: Any) -> None:
        while len(self.rows) <= row:
            self.rows.append([])
        cells = self.rows[row]
        cells.extend([""] * (col + 1 - len(cells)))
        cells[col] = value


@dataclass(frozen=True, slots=True)
class Permission:
    id: str
    type: str  # user, group, domain, anyone
    role: str  # owner, writer, commenter, reader...
    address: str | None  # the email address (user, group) or the domain (domain)
    allow_file_discovery: bool | None  # anyone/domain only; False: "anyone with the link"
    notified: bool  # whether Drive would have sent the notification email

    def resource(self) -> dict[str, Any]:
        resource: dict[str, Any] = {
            "kind": "drive#permission",
            "id": self.id,
            "type": self.type,
            "role": self.role,
        }
        if self.address is not None:
            key = "domain" if self.type == "domain" else "emailAddress"
            resource[key] = self.address
        if self.allow_file_discovery is not None:
            resource["allowFileDiscovery"] = self.allow_file_discovery
        return resource


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    tabs: list[Tab]
    parents: list[str] = field(default_factory=list)  # Drive folders
    permissions: list[Permission] = field(default_factory=list)
    # Every request of the batchUpdates applied, in order (formats, frozen rows, resizes...).
    batch_requests: list[dict[str, Any]] = field(default_factory=list)
    created: datetime = field(default_factory=lambda: datetime.now(UTC))

    def tab(self, title: str) -> Tab:
        for tab in self.tabs:
            if tab.title == title:
                return tab
        raise KeyError(title)

    @property
    def first_tab(self) -> Tab:
        return min(self.tabs, key=lambda tab: tab.index)

    def requests_of(self, kind: str) -> list[dict[str, Any]]:
        """The bodies of the applied batchUpdate requests of one kind (e.g. "repeatCell")."""
        return [request[kind] for request in self.batch_requests if kind in request]

    def metadata(self) -> dict[str, Any]:
        """The spreadsheets.get resource without grid data."""
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": "en_US",
                "autoRecalc": "ON_CHANGE",
                "timeZone": "Etc/GMT",
            },
            "sheets": [{"properties": tab.properties()} for tab in self.tabs],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }

    def drive_file(self) -> dict[str, Any]:
        """The Drive files.get resource."""
        stamp = self.created.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        return {
            "kind": "drive#file",
            "id": self.spreadsheet_id,
            "name": self.title,
            "mimeType": SPREADSHEET_MIME_TYPE,
            "parents": self.parents,
            "createdTime": stamp,
            "modifiedTime": stamp,
        }


def new_sheet_id(tabs: list[Tab]) -> int:
    """A free sheet id; Sheets picks them at random too."""
    taken = {tab.sheet_id for tab in tabs}
    while (sheet_id := random.randrange(1, 2**31)) in taken:
        pass
    return sheet_id


def check_cell_limit(cells: int, limit: int) -> None:
    """Sheets counts every cell of every grid, empty or not."""
    if cells > limit:
        raise ApiError(
            400,
            "This action would increase the number of cells in the workbook above the limit "
            f"of {limit} cells.",
        )


def trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows without trailing empty cells, and without trailing empty rows."""
    result = [trimmed_row(row) for row in rows]
    while result and not result[-1]:
        result.pop()
    return result


def trimmed_row(row: list[Any]) -> list[Any]:
    end = len(row)
    while end and row[end - 1] == "":
        end -= 1
    return row[:end]
