"""spreadsheets.values: get, update, append and batchUpdate on the in-memory tabs."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from infra.fake_sheets import a1
from infra.fake_sheets.google_errors import invalid
from infra.fake_sheets.model import Spreadsheet, Tab, check_cell_limit, trimmed, trimmed_row

_INPUT_OPTIONS = frozenset({"RAW", "USER_ENTERED"})
_INSERT_OPTIONS = frozenset({"OVERWRITE", "INSERT_ROWS"})
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class _Write:
    """Values checked against their range and the grid, ready to store."""

    tab: Tab
    row: int
    col: int
    rows: list[list[Any]]

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def apply(self, input_option: str) -> None:
        for i, row in enumerate(self.rows):
            for j, value in enumerate(row):
                if value is not None:  # null leaves the cell as it is
                    self.tab.set(self.row + i, self.col + j, _entered(value, input_option))

    def response(self, spreadsheet_id: str) -> dict[str, Any]:
        height, width = len(self.rows), self.width
        result: dict[str, Any] = {
            "spreadsheetId": spreadsheet_id,
            "updatedRows": height,
            "updatedColumns": width,
            "updatedCells": sum(len(row) for row in self.rows),
        }
        if height and width:
            end_row, end_col = self.row + height, self.col + width
            updated = a1.format_range(self.tab.title, self.row, self.col, end_row, end_col)
            result["updatedRange"] = updated
        return result


def get(spreadsheet: Spreadsheet, text: str, query: Mapping[str, str]) -> dict[str, Any]:
    tab, grid = _locate(spreadsheet, text)
    end_row = tab.row_count if grid.end_row is None else grid.end_row
    end_col = tab.column_count if grid.end_col is None else grid.end_col
    _check_grid(tab, text, end_row, end_col)
    window = [row[grid.start_col : end_col] for row in tab.rows[grid.start_row : end_row]]
    rows = trimmed(window)
    major = query.get("majorDimension") or "ROWS"
    if major == "COLUMNS":
        rows = trimmed(_transpose(rows))
    render = query.get("valueRenderOption") or "FORMATTED_VALUE"
    result: dict[str, Any] = {
        "range": a1.format_range(tab.title, grid.start_row, grid.start_col, end_row, end_col),
        "majorDimension": major,
    }
    if rows:
        result["values"] = [[_rendered(value, render) for value in row] for row in rows]
    return result


def update(
    spreadsheet: Spreadsheet, text: str, query: Mapping[str, str], body: Mapping[str, Any]
) -> dict[str, Any]:
    input_option = _input_option(query.get("valueInputOption"))
    write = _planned(spreadsheet, text, body)
    write.apply(input_option)
    return write.response(spreadsheet.spreadsheet_id)


def batch_update(spreadsheet: Spreadsheet, body: Mapping[str, Any]) -> dict[str, Any]:
    input_option = _input_option(body.get("valueInputOption"))
    # All ranges are checked before any is written: the call succeeds or changes nothing.
    writes = [_planned(spreadsheet, item.get("range", ""), item) for item in body.get("data", [])]
    for write in writes:
        write.apply(input_option)
    responses = [write.response(spreadsheet.spreadsheet_id) for write in writes]
    return {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
        "totalUpdatedColumns": sum(r["updatedColumns"] for r in responses),
        "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
        "totalUpdatedSheets": len({id(write.tab) for write in writes}),
        "responses": responses,
    }


def append(
    spreadsheet: Spreadsheet,
    text: str,
    query: Mapping[str, str],
    body: Mapping[str, Any],
    *,
    max_cells: int,
) -> dict[str, Any]:
    """Write after the last row of the table the range finds, growing the grid as needed.

    The table is every row with a value in the range's columns (all columns when the
    range is one cell or a whole tab), from the range's first row down.
    """
    input_option = _input_option(query.get("valueInputOption"))
    insert_option = query.get("insertDataOption") or "OVERWRITE"
    if insert_option not in _INSERT_OPTIONS:
        raise invalid(f"Invalid value at 'insert_data_option' ({insert_option})")
    tab, grid = _locate(spreadsheet, text)
    wide = grid.is_single_cell or grid.end_col is None
    columns = slice(grid.start_col, None if wide else grid.end_col)
    table = [i for i in range(grid.start_row, len(tab.rows)) if trimmed_row(tab.rows[i][columns])]
    start = table[-1] + 1 if table else grid.start_row
    rows = _rows(body)
    height = len(rows)
    width = max((len(row) for row in rows), default=0)
    if insert_option == "INSERT_ROWS":
        row_count = tab.row_count + height
    else:
        row_count = max(tab.row_count, start + height)
    column_count = max(tab.column_count, grid.start_col + width)
    # Checked before any change: a grid over the limit leaves the tab as it was.
    others = sum(t.cells for t in spreadsheet.tabs if t is not tab)
    check_cell_limit(others + row_count * column_count, max_cells)
    if insert_option == "INSERT_ROWS" and start < len(tab.rows):
        tab.rows[start:start] = [[] for _ in range(height)]
    tab.row_count, tab.column_count = row_count, column_count
    write = _Write(tab, start, grid.start_col, rows)
    write.apply(input_option)
    result: dict[str, Any] = {
        "spreadsheetId": spreadsheet.spreadsheet_id,
        "updates": write.response(spreadsheet.spreadsheet_id),
    }
    if table:
        end_col = max(max(len(trimmed_row(tab.rows[i])) for i in table), grid.start_col + 1)
        result["tableRange"] = a1.format_range(
            tab.title, grid.start_row, grid.start_col, table[-1] + 1, end_col
        )
    return result


def _planned(spreadsheet: Spreadsheet, text: str, body: Mapping[str, Any]) -> _Write:
    tab, grid = _locate(spreadsheet, text)
    write = _Write(tab, grid.start_row, grid.start_col, _rows(body))
    end_row, end_col = write.row + len(write.rows), write.col + write.width
    # One cell is where the values start; a larger range is where they must fit.
    if not grid.is_single_cell:
        if grid.end_row is not None and end_row > grid.end_row:
            raise invalid(
                f"Requested writing within range [{text}], but tried writing to row [{end_row}]"
            )
        if grid.end_col is not None and end_col > grid.end_col:
            column = a1.column_letters(end_col - 1)
            raise invalid(
                f"Requested writing within range [{text}], but tried writing to column [{column}]"
            )
    _check_grid(tab, text, end_row, end_col)
    return write


def _locate(spreadsheet: Spreadsheet, text: str) -> tuple[Tab, a1.GridRange]:
    try:
        parsed = a1.parse(text)
        tab = spreadsheet.first_tab if parsed.tab is None else spreadsheet.tab(parsed.tab)
    except (ValueError, KeyError):
        raise invalid(f"Unable to parse range: {text}") from None
    return tab, parsed.grid


def _check_grid(tab: Tab, text: str, end_row: int, end_col: int) -> None:
    if end_row > tab.row_count or end_col > tab.column_count:
        raise invalid(
            f"Range ({text}) exceeds grid limits. Max rows: {tab.row_count}, "
            f"max columns: {tab.column_count}"
        )


def _rows(body: Mapping[str, Any]) -> list[list[Any]]:
    """The body's values as rows of scalars (transposed when given as columns)."""
    values = body.get("values") or []
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise invalid("Invalid value at 'data.values': a list of lists is expected")
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if value is not None and not isinstance(value, str | int | float | bool):
                raise invalid(f"Invalid values[{i}][{j}]: {value!r}")
    if body.get("majorDimension") == "COLUMNS":
        return _transpose(values)
    return values


def _transpose(rows: list[list[Any]]) -> list[list[Any]]:
    width = max((len(row) for row in rows), default=0)
    return [[row[j] if j < len(row) else "" for row in rows] for j in range(width)]


def _input_option(option: str | None) -> str:
    if option is None:
        raise invalid("'valueInputOption' is required but not specified")
    if option not in _INPUT_OPTIONS:
        raise invalid(f"Invalid value at 'value_input_option' ({option})")
    return option


def _entered(value: Any, input_option: str) -> Any:
    """What the cell holds: RAW keeps the value; USER_ENTERED reads numbers and booleans."""
    if input_option == "RAW" or not isinstance(value, str):
        return value
    if value.startswith("'"):  # the typed prefix that keeps text as text
        return value[1:]
    if value.upper() in ("TRUE", "FALSE"):
        return value.upper() == "TRUE"
    if not _NUMBER.fullmatch(value):
        return value
    number = float(value)
    return int(number) if number.is_integer() and "." not in value else number


def _rendered(value: Any, render: str) -> Any:
    """FORMATTED_VALUE shows every cell as text; the other options keep numbers."""
    if render != "FORMATTED_VALUE" or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and math.isfinite(value):
        return format(value, ".15g")
    return str(value)
