"""Cleaned pages survive their storage exactly; anything else is refused, not misread."""

from __future__ import annotations

import json
import zlib
from collections import Counter

import pytest

from shared.domain.sentences import Note
from shared.text.layout import CleanPage
from shared.text.stored_pages import (
    FORMAT,
    PAGES_PER_PART,
    decode_part,
    encode_parts,
    first_page_of,
    part_of,
)


def page(number: int) -> CleanPage:
    return CleanPage(
        number,
        lines=[f"« Où êtes-vous, Mme d’Aubigné ? » page {number}", "CHAPITRE II", "— Ici…"],
        headings={1},
        starts={0, 2},
        short={2},
        removed=Counter({"headers": 1, "folios": 1, "notes": number % 2}),
        notes=[Note("*", "Voir la préface, p. xii.", number)] if number % 3 == 0 else [],
    )


def test_a_book_in_parts_reads_back_page_for_page() -> None:
    book = [page(n) for n in range(1, 2 * PAGES_PER_PART + 4)]

    parts = encode_parts(book)

    assert len(parts) == 3
    assert [p for part in parts for p in decode_part(part)] == book
    assert [part_of(p.number) for p in decode_part(parts[1])] == [1] * PAGES_PER_PART
    assert first_page_of(2) == 2 * PAGES_PER_PART + 1 and part_of(first_page_of(2)) == 2


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not compressed",
        zlib.compress(b"not json"),
        zlib.compress(json.dumps({"format": FORMAT + 1, "pages": []}).encode()),
        zlib.compress(json.dumps({"format": FORMAT, "pages": [{"number": 1}]}).encode()),
        zlib.compress(json.dumps([1, 2]).encode()),
    ],
)
def test_anything_but_a_part_of_this_format_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode_part(data)
