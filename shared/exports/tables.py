"""A job's sentences as a table with the chosen columns, and that table as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from shared.domain.exports import HEADERS
from shared.domain.results import NumberedSentence

Row = list[object]


def header(columns: Sequence[str]) -> list[str]:
    return [HEADERS[column] for column in columns]


def row(sentence: NumberedSentence, columns: Sequence[str]) -> Row:
    values: dict[str, object] = {
        "index": sentence.index + 1,  # people count from 1
        "sentence": sentence.sentence.text,
        "original": sentence.original or "",
        "page": sentence.sentence.page,
        "word_count": sentence.sentence.word_count,
        "method": str(sentence.sentence.method),
    }
    return [values[column] for column in columns]


def csv_bytes(head: Sequence[str], rows: Iterable[Row]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the accents right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(head)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(head: Sequence[str], rows: Iterable[Row], sheet: str = "Phrases") -> bytes:
    # openpyxl (and numpy with it) loads on the first XLSX file, not at the API's cold start.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(list(head))
    for values in rows:
        worksheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
