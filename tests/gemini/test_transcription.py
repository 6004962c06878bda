"""A scanned book's pages read through the real SDK by the fake, which counts page tokens,
spends thought tokens and stops at maxOutputTokens as Gemini does."""

from __future__ import annotations

from functools import partial

import pytest

from infra.fake_gemini import FakeGemini, GenerateCall, blocked
from shared.adapters.genai_model import GenaiModel
from shared.domain.errors import TranscriptionRecited
from shared.gemini.cache import MemoryCache
from shared.gemini.engine import RewriteReport
from shared.gemini.transcription import MAX_OUTPUT_TOKENS, Transcriber
from shared.text.pdf_source import extract_pages
from tests.books.builder import scanned_pdf
from tests.gemini.conftest import API_KEY

PAGES = 4


@pytest.fixture(scope="module")
def scan() -> bytes:
    return scanned_pdf(PAGES)


def transcriber(
    fake: FakeGemini, scan: bytes, cache: MemoryCache, report: RewriteReport
) -> Transcriber:
    model = GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=10)
    return Transcriber(model, cache, partial(extract_pages, scan), "uploads/j.pdf#1", report)


def test_pages_too_long_for_one_answer_are_read_in_halves(fake: FakeGemini, scan: bytes) -> None:
    # Each page's text is half the answer budget: four pages cannot fit, two can.
    fake.transcription = "Il pleuvait. " * (MAX_OUTPUT_TOKENS * 4 // 2 // 13)
    report = RewriteReport()

    paragraphs = transcriber(fake, scan, MemoryCache(), report).paragraphs(1, PAGES)

    assert [call.document_pages for call in fake.calls] == [4, 2, 2]
    assert len(paragraphs) == PAGES
    assert report.calls == 3
    assert report.usage.prompt_tokens >= 2 * PAGES * 258  # every page read twice


def test_recitation_over_several_pages_is_read_page_by_page(fake: FakeGemini, scan: bytes) -> None:
    fake.script.when(lambda call: call.document_pages > 1, blocked("RECITATION"))

    paragraphs = transcriber(fake, scan, MemoryCache(), RewriteReport()).paragraphs(1, PAGES)

    assert len(paragraphs) == PAGES
    assert sorted(call.document_pages for call in fake.calls) == [1, 1, 1, 1, 2, 2, 4]


def test_a_page_that_always_recites_fails_the_chunk_and_names_it(
    fake: FakeGemini, scan: bytes
) -> None:
    def third_page(call: GenerateCall) -> bool:
        return call.document_pages > 1 or len(fake.calls) == 6  # the 6th call reads page 3

    fake.script.when(third_page, blocked("RECITATION"))

    with pytest.raises(TranscriptionRecited) as raised:
        transcriber(fake, scan, MemoryCache(), RewriteReport()).paragraphs(1, PAGES)

    assert raised.value.details["pages"] == [3]
