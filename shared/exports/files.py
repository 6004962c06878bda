"""Write output sentences as CSV, XLSX or JSON files (the local command's formats)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from shared.domain.sentences import Note, OutputSentence
from shared.exports.tables import csv_bytes, xlsx_bytes

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
    path.write_bytes(csv_bytes(COLUMNS, _rows(sentences)))


def write_xlsx(sentences: Iterable[OutputSentence], path: Path) -> None:
    path.write_bytes(xlsx_bytes(COLUMNS, _rows(sentences), sheet="Sentences"))


def write_json(
    sentences: Iterable[OutputSentence],
    path: Path,
    stats: Mapping[str, Any] | None = None,
    notes: Iterable[Note] = (),
) -> None:
    document = {
        "sentences": [sentence.to_dict() for sentence in sentences],
        "notes": [note.to_dict() for note in notes],
        "stats": dict(stats or {}),
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
