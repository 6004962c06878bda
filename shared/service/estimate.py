"""What processing a book would cost, before it is processed: pages, sentences over the
limit, and for Gemini the expected calls and tokens (the engine's own batching)."""

from __future__ import annotations

import dataclasses

from pydantic import BaseModel, ConfigDict

from shared.domain.errors import NotAPdf, NoTextLayer
from shared.domain.jobs import Engine, JobSettings
from shared.domain.words import count_words
from shared.gemini.engine import estimated_tokens, needs_model, plan_batches
from shared.gemini.prompt import system_instruction
from shared.service.deps import Deps
from shared.service.uploads import engine_for
from shared.text.pdf_source import looks_like_pdf, open_pdf
from shared.text.pipeline import RunStats, shorten, source_sentences

# Gemini reads a PDF page as about this many tokens, and writes about this many back.
TOKENS_PER_SCANNED_PAGE = 258
TOKENS_PER_TRANSCRIBED_PAGE = 500
# A rewrite runs a little longer than its source (carried subjects, periods).
OUTPUT_RATIO = 1.15


class Estimate(BaseModel):
    """What processing the book would take (also the API's answer)."""

    model_config = ConfigDict(frozen=True, protected_namespaces=())

    engine: Engine
    model: str | None
    pages: int
    scanned: bool
    source_sentences: int
    source_words: int
    sentences_over_limit: int
    sentences_for_model: int
    expected_calls: int
    expected_prompt_tokens: int
    expected_output_tokens: int


def estimate(deps: Deps, data: bytes, settings: JobSettings) -> Estimate:
    if not looks_like_pdf(data):
        raise NotAPdf("The file is not a PDF.")
    engine = engine_for(deps, settings)
    book = open_pdf(data, max_pages=deps.limits.max_pages)
    try:
        sentences = list(source_sentences(book))
    except NoTextLayer:
        if engine["engine"] is not Engine.GEMINI:
            raise
        return _scanned(engine, book.page_count)
    limit = settings.sentence_length_limit
    over = [s for s in sentences if count_words(s.text) > limit]
    calls = prompt_tokens = output_tokens = 0
    for_model = []
    if engine["engine"] is Engine.GEMINI and deps.gemini is not None:
        options = dataclasses.replace(
            deps.gemini.options, limit=limit, keep_dialogue=settings.keep_dialogue
        )
        stats = RunStats()
        for_model = [s for s in over if needs_model(s, shorten(s, limit, stats), options)]
        batches = plan_batches(for_model, options)
        system = estimated_tokens(system_instruction(limit))
        calls = len(batches)
        sent = sum(estimated_tokens(s.text) for s in for_model)
        prompt_tokens = calls * system + sent
        output_tokens = round(sent * OUTPUT_RATIO)
    return Estimate(
        engine=engine["engine"],  # type: ignore[arg-type]
        model=engine.get("model"),  # type: ignore[arg-type]
        pages=book.page_count,
        scanned=False,
        source_sentences=len(sentences),
        source_words=sum(count_words(s.text) for s in sentences),
        sentences_over_limit=len(over),
        sentences_for_model=len(for_model),
        expected_calls=calls,
        expected_prompt_tokens=prompt_tokens,
        expected_output_tokens=output_tokens,
    )


def _scanned(engine: dict[str, object], pages: int) -> Estimate:
    """A scan: the transcription dominates; its sentences are unknown until then."""
    return Estimate(
        engine=Engine.GEMINI,
        model=engine.get("model"),  # type: ignore[arg-type]
        pages=pages,
        scanned=True,
        source_sentences=0,
        source_words=0,
        sentences_over_limit=0,
        sentences_for_model=0,
        expected_calls=-(-pages // 30),
        expected_prompt_tokens=pages * TOKENS_PER_SCANNED_PAGE,
        expected_output_tokens=pages * TOKENS_PER_TRANSCRIBED_PAGE,
    )
