"""Several books' tables in one file: an XLSX workbook with a sheet per book, or a ZIP of
CSV files, one per book; and the tab titles a spreadsheet with a tab per book needs.

A table's title is its book's file name ("Le Comte de Monte-Cristo, tome 1.pdf"): any
text a user chose. Sheet and file names are made from it safe, short and unique (without
regard to case, as Excel, Google Sheets and the file systems of Windows and macOS compare
names), each book keeping its place in the order given.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shared.exports.tables import csv_bytes

# Excel: at most 31 characters, none of these, no apostrophe at either end, not "History"
# (the name it keeps for a shared workbook's change log).
EXCEL_MAX_TITLE = 31
EXCEL_FORBIDDEN = "[]:*?/\\"
# Google Sheets: at most 100 characters; any character otherwise.
SHEETS_MAX_TITLE = 100
# A ZIP entry: at most 100 characters, the ".csv" included; none of the characters
# Windows refuses in a file name.
CSV_MAX_NAME = 100
FILE_FORBIDDEN = '<>:"/\\|?*'
# What a name with nothing usable left becomes ("book": the product speaks French).
FALLBACK_TITLE = "Livre"
# What a forbidden character becomes.
REPLACEMENT = "_"
# What stands for the middle of a name too long.
ELLIPSIS = "…"
# Room for a name and a " (n)" suffix.
_MIN_LENGTH = 12
# Every entry of a ZIP carries this time, so the same tables give the same bytes (the
# earliest a ZIP can record).
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_PDF_EXTENSION = re.compile(r"\.pdf\Z", re.IGNORECASE)
_DOTS = re.compile(r"\.{2,}")
# Device names Windows keeps in every folder, with any extension ("CON.csv" too).
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"{port}{digit}" for port in ("com", "lpt") for digit in "0123456789¹²³"}
)
# The characters XML 1.0 (so an XLSX cell) cannot hold: C0 controls but tab, LF and CR.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Strings Excel would read as something else: a formula, or an error value.
_EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)


@dataclass(frozen=True, slots=True)
class Table:
    """One book's table: its file name, the header, the rows."""

    title: str
    head: Sequence[str]
    rows: Sequence[Sequence[object]]


def sheet_titles(names: Sequence[str], max_length: int, forbidden: str = "") -> list[str]:
    """A safe, non-empty sheet title per name, in order, unique without regard to case.

    The ".pdf" extension is dropped, control and format characters removed, whitespace
    collapsed to single spaces, each `forbidden` character replaced by "_", apostrophes
    and spaces trimmed from both ends. A title longer than `max_length` (counted in UTF-16
    units, as Excel and Sheets count) keeps its start and its last words around "…"
    ("Le Comte de Monte-Cristo…tome 1"). A name seen before (in any case) gets " (2)",
    " (3)"... within `max_length`; "History" (Excel's reserved name, in any case) is
    treated as taken. Excel: `sheet_titles(names, EXCEL_MAX_TITLE, EXCEL_FORBIDDEN)`;
    Google Sheets: `sheet_titles(names, SHEETS_MAX_TITLE)`.
    """
    _check(max_length, forbidden)
    trim = " '"

    def clean(name: str) -> str:
        return _replaced(_plain(name), forbidden).strip(trim)

    return _unique_names(
        names, clean, max_length, trim, reserved=lambda title: title.casefold() == "history"
    )


def csv_file_names(titles: Sequence[str]) -> list[str]:
    """A "<title>.csv" file name per table title, in order, safe on every system: no path
    separator or character Windows refuses, no "..", no dot or space at either end of the
    title, no Windows device name (CON, NUL, COM1...), at most `CSV_MAX_NAME` characters
    (a longer title shortened as `sheet_titles` does), unique without regard to case."""
    extension = ".csv"
    trim = " ."

    def clean(name: str) -> str:
        stem = _DOTS.sub(".", _replaced(_plain(name), FILE_FORBIDDEN)).strip(trim)
        device, dot, rest = stem.partition(".")
        if device.rstrip(" ").casefold() in _WINDOWS_DEVICES:
            return f"{device}{REPLACEMENT}{dot}{rest}"  # CON.x -> CON_.x
        return stem

    stems = _unique_names(
        titles, clean, CSV_MAX_NAME - len(extension), trim, reserved=lambda _: False
    )
    return [stem + extension for stem in stems]


def xlsx_workbook_bytes(tables: Sequence[Table]) -> bytes:
    """An XLSX workbook with one sheet per table, in order, titled by `sheet_titles`
    (Excel's rules), each holding the header row then the rows.

    Strings that Excel would take for a formula ("=...") or an error ("#N/A") stay text,
    and the control characters XML cannot hold are left out of cells.
    """
    # openpyxl (and numpy with it) loads on the first XLSX file, not at the API's cold start.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    titles = sheet_titles([table.title for table in tables], EXCEL_MAX_TITLE, EXCEL_FORBIDDEN)
    for table, title in zip(tables, titles, strict=True):
        worksheet = workbook.create_sheet(title)
        for values in (table.head, *table.rows):
            cells: list[object] = []
            for value in values:
                if not isinstance(value, str):
                    cells.append(value)
                    continue
                text = _XML_ILLEGAL.sub("", value)
                if text.startswith("=") or text in _EXCEL_ERRORS:
                    cell = WriteOnlyCell(worksheet, text)
                    cell.data_type = "s"
                    cells.append(cell)
                else:
                    cells.append(text)
            worksheet.append(cells)
    if not tables:  # a workbook needs a sheet
        workbook.create_sheet(FALLBACK_TITLE)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_zip_bytes(tables: Sequence[Table]) -> bytes:
    """A ZIP (deflated) of one CSV file per table (`tables.csv_bytes`: UTF-8 with a BOM),
    in order, named by `csv_file_names`. Entries carry a fixed time, so the same tables
    always give the same bytes."""
    out = io.BytesIO()
    names = csv_file_names([table.title for table in tables])
    with zipfile.ZipFile(out, "w") as archive:
        for table, name in zip(tables, names, strict=True):
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix, whatever system writes it, for the mode below
            entry.external_attr = 0o644 << 16  # rw-r--r--
            archive.writestr(entry, csv_bytes(table.head, (list(row) for row in table.rows)))
    return out.getvalue()


def _check(max_length: int, forbidden: str) -> None:
    if max_length < _MIN_LENGTH:
        raise ValueError(f"Names need at least {_MIN_LENGTH} characters, not {max_length}.")
    if REPLACEMENT in forbidden:
        raise ValueError(f"{REPLACEMENT!r} replaces forbidden characters: it cannot be one.")


def _plain(name: str) -> str:
    """The name in composed form, on one line, without its ".pdf" and invisible characters."""
    text = unicodedata.normalize("NFC", name)
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        # Controls, format characters (zero-width, bidi marks, BOM) and lone surrogates.
        elif unicodedata.category(char) not in ("Cc", "Cf", "Cs"):
            kept.append(char)
    text = _PDF_EXTENSION.sub("", "".join(kept).strip())
    return " ".join(text.split())


def _replaced(text: str, forbidden: str) -> str:
    if not forbidden:
        return text
    return text.translate(dict.fromkeys(map(ord, forbidden), REPLACEMENT))


def _unique_names(
    names: Sequence[str],
    clean: Callable[[str], str],
    max_length: int,
    trim: str,
    *,
    reserved: Callable[[str], bool],
) -> list[str]:
    """Each name cleaned and shortened to `max_length`; one already taken (or reserved)
    gets the first free " (n)", n from 2."""
    taken: set[str] = set()
    result: list[str] = []
    for name in names:
        text = clean(name) or FALLBACK_TITLE
        candidate = _shortened(text, max_length, trim)
        number = 1
        while candidate.casefold() in taken or reserved(candidate):
            number += 1
            suffix = f" ({number})"
            candidate = _shortened(text, max_length - _length(suffix), trim) + suffix
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _shortened(text: str, max_length: int, trim: str) -> str:
    """The text within `max_length` UTF-16 units (an emoji counts two): a text too long
    keeps its start and its last words (where a volume's number is) around "…"."""
    if _length(text) <= max_length:
        return text
    tail = _tail(text, max_length // 3)
    head = _head(text, max_length - _length(ELLIPSIS) - _length(tail)).rstrip(trim)
    return f"{head}{ELLIPSIS}{tail}"


def _head(text: str, max_length: int) -> str:
    """The longest start within `max_length` units that does not part a letter from the
    accents that follow it."""
    end = units = 0
    while end < len(text) and units + _length(text[end]) <= max_length:
        units += _length(text[end])
        end += 1
    while 0 < end < len(text) and unicodedata.combining(text[end]):
        end -= 1
    return text[:end]


def _tail(text: str, max_length: int) -> str:
    """The longest end within `max_length` units, from a word's start when it holds one."""
    start, units = len(text), 0
    while start > 0 and units + _length(text[start - 1]) <= max_length:
        start -= 1
        units += _length(text[start])
    while start < len(text) and unicodedata.combining(text[start]):
        start += 1
    if start > 0 and text[start - 1] != " " and (space := text.find(" ", start)) != -1:
        start = space + 1
    return text[start:]


def _length(text: str) -> int:
    """The length in UTF-16 code units, as Excel and JavaScript count."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
