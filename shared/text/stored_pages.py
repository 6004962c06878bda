"""A book's cleaned pages in parts of consecutive pages, as bytes to store.

The storage trigger reads every page of a printed book to learn its profile, and cleans
each page on the way; reading a page's layout is most of the text engine's time. Stored,
the cleaned pages spare each chunk opening the PDF and reading its pages again.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import TypedDict

from shared.domain.sentences import Note
from shared.text.layout import CleanPage

FORMAT = 1  # a part of another format is not read (its pages are read from the PDF)
PAGES_PER_PART = 10


class _NoteRecord(TypedDict):
    number: str
    text: str
    page: int


class _PageRecord(TypedDict):
    number: int
    lines: list[str]
    headings: list[int]
    starts: list[int]
    short: list[int]
    removed: dict[str, int]
    notes: list[_NoteRecord]


def part_of(page: int) -> int:
    """The part holding 1-based page `page`."""
    return (page - 1) // PAGES_PER_PART


def first_page_of(part: int) -> int:
    return part * PAGES_PER_PART + 1


def encode_parts(pages: Sequence[CleanPage]) -> list[bytes]:
    """The book's pages (all of them, in order) as parts of PAGES_PER_PART pages."""
    return [
        _encode(pages[start : start + PAGES_PER_PART])
        for start in range(0, len(pages), PAGES_PER_PART)
    ]


def decode_part(data: bytes) -> list[CleanPage]:
    """The pages of a part; ValueError if it is not one this version wrote."""
    try:
        record = json.loads(zlib.decompress(data))
        if record["format"] != FORMAT:
            raise ValueError(f"stored pages of format {record['format']}")
        pages: list[_PageRecord] = record["pages"]
        return [_page(page) for page in pages]
    except (zlib.error, KeyError, TypeError) as error:
        raise ValueError(f"unreadable stored pages: {error}") from error


def _encode(pages: Sequence[CleanPage]) -> bytes:
    records: list[_PageRecord] = [
        {
            "number": page.number,
            "lines": page.lines,
            "headings": sorted(page.headings),
            "starts": sorted(page.starts),
            "short": sorted(page.short),
            "removed": dict(page.removed),
            "notes": [{"number": n.number, "text": n.text, "page": n.page} for n in page.notes],
        }
        for page in pages
    ]
    text = json.dumps(
        {"format": FORMAT, "pages": records}, ensure_ascii=False, separators=(",", ":")
    )
    return zlib.compress(text.encode("utf-8"), 1)  # fast: most of the gain, little CPU


def _page(record: _PageRecord) -> CleanPage:
    return CleanPage(
        number=record["number"],
        lines=record["lines"],
        headings=set(record["headings"]),
        starts=set(record["starts"]),
        short=set(record["short"]),
        removed=Counter(record["removed"]),
        notes=[Note(note["number"], note["text"], note["page"]) for note in record["notes"]],
    )
