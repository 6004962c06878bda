"""spreadsheets.batchUpdate: apply the structural requests, check and record all of them.

addSheet, deleteSheet and updateSheetProperties change the tabs; every other kind
(repeatCell, updateCells, autoResizeDimensions...) is checked for the sheets it names and
kept in `Spreadsheet.batch_requests`, which is how tests see formats. As in Sheets, the
batch is atomic: one invalid request and nothing is applied.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from infra.fake_sheets.google_errors import invalid
from infra.fake_sheets.model import (
    DEFAULT_COLUMNS,
    DEFAULT_ROWS,
    Spreadsheet,
    Tab,
    check_cell_limit,
    new_sheet_id,
)

_Reply = dict[str, Any]
_GRID_FIELDS = {
    "rowCount": "row_count",
    "columnCount": "column_count",
    "frozenRowCount": "frozen_row_count",
    "frozenColumnCount": "frozen_column_count",
}


class _Invalid(Exception):
    """A request the API rejects; the message follows "Invalid requests[i].kind: "."""


def apply(spreadsheet: Spreadsheet, body: Mapping[str, Any], *, max_cells: int) -> _Reply:
    requests = body.get("requests") or []
    # Shallow copies: a rejected batch leaves the tabs as they were, values are shared.
    tabs = [dataclasses.replace(tab) for tab in spreadsheet.tabs]
    replies = []
    for index, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise invalid(f"Invalid requests[{index}]: one kind of request is expected.")
        [(kind, fields)] = request.items()
        handler = _STRUCTURAL.get(kind, _check_sheets_named)
        try:
            replies.append(handler(tabs, fields))
        except _Invalid as error:
            raise invalid(f"Invalid requests[{index}].{kind}: {error}") from None
    check_cell_limit(sum(tab.cells for tab in tabs), max_cells)
    spreadsheet.tabs = tabs
    spreadsheet.batch_requests.extend(requests)
    return {"spreadsheetId": spreadsheet.spreadsheet_id, "replies": replies}


def _add_sheet(tabs: list[Tab], fields: Mapping[str, Any]) -> _Reply:
    properties = fields.get("properties", {})
    title = properties.get("title") or _free_title(tabs)
    _check_title_free(tabs, title)
    sheet_id = properties.get("sheetId")
    if sheet_id is None:
        sheet_id = new_sheet_id(tabs)
    elif any(tab.sheet_id == sheet_id for tab in tabs):
        raise _Invalid(f"Sheet with id {sheet_id} already exists.")
    grid = properties.get("gridProperties", {})
    tab = Tab(
        sheet_id,
        title,
        index=0,
        row_count=grid.get("rowCount", DEFAULT_ROWS),
        column_count=grid.get("columnCount", DEFAULT_COLUMNS),
        frozen_row_count=grid.get("frozenRowCount", 0),
        frozen_column_count=grid.get("frozenColumnCount", 0),
    )
    _place(tabs, tab, properties.get("index", len(tabs)))
    return {"addSheet": {"properties": tab.properties()}}


def _delete_sheet(tabs: list[Tab], fields: Mapping[str, Any]) -> _Reply:
    tab = _sheet(tabs, fields.get("sheetId"), "No sheet with id")
    if len(tabs) == 1:
        raise _Invalid("You can't remove all the sheets in a document.")
    tabs.remove(tab)
    _renumber(tabs)
    return {}


def _update_sheet_properties(tabs: list[Tab], fields: Mapping[str, Any]) -> _Reply:
    properties = fields.get("properties", {})
    tab = _sheet(tabs, properties.get("sheetId"), "No sheet with id")
    mask = fields.get("fields")
    if not mask:
        raise _Invalid("At least one field must be specified.")
    grid = properties.get("gridProperties", {})
    # gspread writes paths with "/" (gridProperties/frozenRowCount); both forms are accepted.
    paths = [path.strip().replace("/", ".") for path in mask.split(",")]
    for path in paths:
        if path in ("*", "title") and "title" in properties:
            _check_title_free([t for t in tabs if t is not tab], properties["title"])
            tab.title = properties["title"]
        if path in ("*", "gridProperties"):
            for name, value in grid.items():
                if name in _GRID_FIELDS:
                    setattr(tab, _GRID_FIELDS[name], value)
        elif path.startswith("gridProperties.") and path.partition(".")[2] in _GRID_FIELDS:
            name = path.partition(".")[2]
            setattr(tab, _GRID_FIELDS[name], grid.get(name, 0))
        if path in ("*", "index") and "index" in properties:
            tabs.remove(tab)
            _place(tabs, tab, properties["index"])
    return {}


def _check_sheets_named(tabs: list[Tab], fields: Mapping[str, Any]) -> _Reply:
    """The sheets a non-structural request names (in its range, dimensions...) must exist."""
    for key in ("range", "dimensions", "start", "source", "destination"):
        target = fields.get(key)
        if isinstance(target, dict) and "sheetId" in target:
            _sheet(tabs, target["sheetId"], "No grid with id")
    return {}


_STRUCTURAL: dict[str, Callable[[list[Tab], Mapping[str, Any]], _Reply]] = {
    "addSheet": _add_sheet,
    "deleteSheet": _delete_sheet,
    "updateSheetProperties": _update_sheet_properties,
}


def _sheet(tabs: list[Tab], sheet_id: object, missing: str) -> Tab:
    for tab in tabs:
        if tab.sheet_id == sheet_id:
            return tab
    raise _Invalid(f"{missing}: {sheet_id}")


def _check_title_free(tabs: list[Tab], title: str) -> None:
    # Sheets compares tab names without regard to case.
    if any(tab.title.casefold() == title.casefold() for tab in tabs):
        raise _Invalid(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )


def _free_title(tabs: list[Tab]) -> str:
    taken = {tab.title.casefold() for tab in tabs}
    number = len(tabs) + 1
    while f"sheet{number}" in taken:
        number += 1
    return f"Sheet{number}"


def _place(tabs: list[Tab], tab: Tab, index: int) -> None:
    tabs.insert(min(max(index, 0), len(tabs)), tab)
    _renumber(tabs)


def _renumber(tabs: list[Tab]) -> None:
    """Indexes follow the list's order, which is the tabs' order in the spreadsheet."""
    for position, tab in enumerate(tabs):
        tab.index = position
