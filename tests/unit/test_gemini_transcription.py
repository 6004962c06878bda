"""Scanned pages read by a scripted model: nothing unread is lost in silence or cached."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shared.domain.errors import (
    TranscriptionBlocked,
    TranscriptionEmpty,
    TranscriptionFailed,
    TranscriptionRecited,
    TranscriptionTruncated,
)
from shared.gemini.cache import MemoryCache
from shared.gemini.engine import RewriteReport
from shared.gemini.ports import ModelAnswer, ModelRequest
from shared.gemini.prompt import BLANK_PAGE
from shared.gemini.transcription import Transcriber

Pages = tuple[int, int]


def page_text(page: int) -> str:
    return f"Texte de la page {page}."


class PageReader:
    """Reads pages as a model would, from a "PDF" that names its page range; `refuse`
    says which ranges end otherwise, and how."""

    model_name = "gemini-test"

    def __init__(self, refuse: Callable[[Pages], ModelAnswer | None] = lambda _: None) -> None:
        self.refuse = refuse
        self.calls: list[Pages] = []

    def generate(self, request: ModelRequest) -> ModelAnswer:
        assert request.pdf is not None
        first, last = map(int, request.pdf.decode().split("-"))
        self.calls.append((first, last))
        refused = self.refuse((first, last))
        if refused is not None:
            return refused
        return ModelAnswer("\n".join(page_text(p) for p in range(first, last + 1)), "STOP")


def pages_pdf(first: int, last: int) -> bytes:
    return f"{first}-{last}".encode()


def read(model: PageReader, cache: MemoryCache, first: int = 1, last: int = 4) -> list[str]:
    transcriber = Transcriber(model, cache, pages_pdf, "uploads/j.pdf#1", RewriteReport())
    return transcriber.paragraphs(first, last)


def all_pages(first: int = 1, last: int = 4) -> list[str]:
    return [page_text(p) for p in range(first, last + 1)]


def when(
    pages: Callable[[Pages], bool], reason: str, text: str = ""
) -> Callable[[Pages], ModelAnswer | None]:
    return lambda asked: ModelAnswer(text, reason) if pages(asked) else None


def test_pages_are_read_in_one_call_and_cached() -> None:
    model, cache = PageReader(), MemoryCache()

    assert read(model, cache) == all_pages()
    assert read(model, cache) == all_pages()

    assert model.calls == [(1, 4)]


def test_a_recited_range_is_read_again_in_halves_down_to_single_pages() -> None:
    model = PageReader(when(lambda pages: pages[0] < pages[1], "RECITATION"))

    found = read(model, MemoryCache())

    assert found == all_pages()
    assert model.calls == [(1, 4), (1, 2), (1, 1), (2, 2), (3, 4), (3, 3), (4, 4)]


def test_a_page_that_recites_alone_fails_with_its_code_and_the_rest_is_kept() -> None:
    model, cache = (
        PageReader(when(lambda pages: pages[0] <= 3 <= pages[1], "RECITATION")),
        MemoryCache(),
    )

    with pytest.raises(TranscriptionRecited) as raised:
        read(model, cache)
    asked = len(model.calls)
    with pytest.raises(TranscriptionRecited):
        read(model, cache)  # a later attempt pays only for what was not read

    assert raised.value.details["pages"] == [3]
    assert "3 (RECITATION)" in raised.value.message
    assert not raised.value.transient
    assert model.calls[asked:] == [(1, 4), (3, 4), (3, 3)]


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("MAX_TOKENS", TranscriptionTruncated),
        ("SAFETY", TranscriptionBlocked),
        ("PROHIBITED_CONTENT", TranscriptionBlocked),
        ("STOP", TranscriptionEmpty),  # a normal finish with no text at all
    ],
)
def test_each_way_a_page_stays_unread_has_its_code(
    reason: str, error: type[TranscriptionFailed]
) -> None:
    model = PageReader(when(lambda pages: pages[0] <= 2 <= pages[1], reason))

    with pytest.raises(error) as raised:
        read(model, MemoryCache())

    assert type(raised.value) is error
    assert raised.value.details["pages"] == [2]


def test_a_truncated_answer_is_never_cached() -> None:
    cache = MemoryCache()
    truncated = PageReader(when(lambda pages: pages == (1, 4), "MAX_TOKENS", text="Texte de la pa"))

    assert read(truncated, cache) == all_pages()
    model = PageReader()
    assert read(model, cache) == all_pages()

    assert model.calls == [(1, 4)]  # the cut answer for 1-4 was not kept


def test_every_unread_page_is_named_and_the_first_picks_the_code() -> None:
    def refuse(pages: Pages) -> ModelAnswer | None:
        if pages[0] < pages[1]:
            return ModelAnswer("", "RECITATION")
        return {2: ModelAnswer("", "SAFETY"), 4: ModelAnswer("", "RECITATION")}.get(pages[0])

    with pytest.raises(TranscriptionBlocked) as raised:
        read(PageReader(refuse), MemoryCache())

    assert raised.value.details == {
        "pages": [2, 4],
        "reasons": {"2": "SAFETY", "4": "RECITATION"},
    }


def test_a_page_the_model_calls_blank_is_read_and_gives_nothing() -> None:
    cache = MemoryCache()
    model = PageReader(when(lambda pages: pages == (2, 2), "STOP", text=BLANK_PAGE))

    assert read(model, cache, 2, 2) == []
    assert read(model, cache, 2, 2) == []

    assert model.calls == [(2, 2)]  # an answer, unlike silence: cached
