"""A1 notation as the Sheets API reads it: 'Tab name'!A1:C10, Tab!A:C, A5:B, 2:4, 'Tab'."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Column letters (up to three, as far as ZZZ) then an optional row number, or a row alone.
_ENDPOINT = re.compile(r"(?P<col>[A-Za-z]{1,3})?(?P<row>[1-9][0-9]*)?")
_PLAIN_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class GridRange:
    """Zero-based, end-exclusive bounds; None is unbounded on that side."""

    start_row: int = 0
    end_row: int | None = None
    start_col: int = 0
    end_col: int | None = None

    @property
    def is_single_cell(self) -> bool:
        return self.end_row == self.start_row + 1 and self.end_col == self.start_col + 1


@dataclass(frozen=True, slots=True)
class A1Range:
    tab: str | None  # None: the first tab
    grid: GridRange


def parse(text: str) -> A1Range:
    """The tab and bounds of an A1 range; ValueError if it is not one."""
    if text.startswith("'"):
        tab, rest = _quoted_title(text)
        if not rest:
            return A1Range(tab, GridRange())
        if not rest.startswith("!"):
            raise ValueError(text)
        return A1Range(tab, _cells(rest[1:], text))
    if "!" in text:
        tab, _, cells = text.partition("!")
        return A1Range(tab, _cells(cells, text))
    try:
        return A1Range(None, _cells(text, text))
    except ValueError:  # not cells: the whole of the tab with that (unquoted) name
        return A1Range(text, GridRange())


def column_letters(index: int) -> str:
    """The letters of a zero-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def format_range(tab: str, start_row: int, start_col: int, end_row: int, end_col: int) -> str:
    """'Tab'!A1:C3 for zero-based, end-exclusive bounds; the tab quoted only when needed."""
    start = f"{column_letters(start_col)}{start_row + 1}"
    end = f"{column_letters(end_col - 1)}{end_row}"
    cells = start if (end_row - start_row, end_col - start_col) == (1, 1) else f"{start}:{end}"
    return f"{quote_title(tab)}!{cells}"


def quote_title(tab: str) -> str:
    looks_like_cells = _ENDPOINT.fullmatch(tab) is not None
    if _PLAIN_TITLE.fullmatch(tab) and not looks_like_cells:
        return tab
    return "'" + tab.replace("'", "''") + "'"


def _quoted_title(text: str) -> tuple[str, str]:
    """The title inside the leading quotes ('' is a quote) and what follows them."""
    title: list[str] = []
    position = 1
    while position < len(text):
        char = text[position]
        if char == "'":
            if text[position + 1 : position + 2] != "'":
                return "".join(title), text[position + 1 :]
            position += 1
        title.append(char)
        position += 1
    raise ValueError(text)


def _cells(cells: str, text: str) -> GridRange:
    first, colon, second = cells.partition(":")
    start_col, start_row = _endpoint(first, text)
    if not colon:
        if start_col is not None and start_row is not None:
            return GridRange(start_row, start_row + 1, start_col, start_col + 1)
        end_col, end_row = start_col, start_row
    else:
        end_col, end_row = _endpoint(second, text)
    return GridRange(
        start_row=start_row or 0,
        end_row=None if end_row is None else end_row + 1,
        start_col=start_col or 0,
        end_col=None if end_col is None else end_col + 1,
    )


def _endpoint(endpoint: str, text: str) -> tuple[int | None, int | None]:
    """Zero-based (column, row) of one side of a range; either may be absent."""
    match = _ENDPOINT.fullmatch(endpoint)
    if not endpoint or match is None:
        raise ValueError(text)
    letters, digits = match.group("col"), match.group("row")
    col = None
    if letters:
        col = 0
        for letter in letters.upper():
            col = col * 26 + ord(letter) - ord("A") + 1
        col -= 1
    return col, None if digits is None else int(digits) - 1
