"""Write output sentences as CSV, XLSX or JSON, streaming where the format allows."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from shared.domain.sentences import OutputSentence

COLUMNS = ("index", "text", "word_count", "page", "source_index", "method")


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


def _rows(sentences: Iterable[OutputSentence]) -> Iterable[list[Any]]:
    for index, sentence in enumerate(sentences, start=1):
        record = sentence.to_dict()
        yield [index, *(record[column] for column in COLUMNS[1:])]


def write_csv(sentences: Iterable[OutputSentence], path: Path) -> None:
    # utf-8-sig so that spreadsheet programs read the accents right.
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(_rows(sentences))


def write_xlsx(sentences: Iterable[OutputSentence], path: Path) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sentences")
    sheet.append(list(COLUMNS))
    for row in _rows(sentences):
        sheet.append(row)
    workbook.save(path)


def write_json(
    sentences: Iterable[OutputSentence], path: Path, stats: Mapping[str, Any] | None = None
) -> None:
    document = {
        "sentences": [sentence.to_dict() for sentence in sentences],
        "stats": dict(stats or {}),
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
