"""What processing a book would cost, before it is processed: pages, sentences over the
limit, and for Gemini the expected calls and tokens (the engine's own batching)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from shared.domain.errors import NotAPdf, NoTextLayer
from shared.domain.jobs import Engine, JobSettings
from shared.domain.sentences import SourceSentence
from shared.domain.words import count_words
from shared.service.deps import Deps
from shared.service.engines import ModelCost
from shared.text.pdf_basics import looks_like_pdf


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

    @classmethod
    def of(
        cls,
        engine: Engine,
        model: str | None,
        pages: int,
        scanned: bool,
        sentences: Sequence[SourceSentence],
        over_limit: int,
        cost: ModelCost,
    ) -> Estimate:
        return cls(
            engine=engine,
            model=model,
            pages=pages,
            scanned=scanned,
            source_sentences=len(sentences),
            source_words=sum(count_words(s.text) for s in sentences),
            sentences_over_limit=over_limit,
            sentences_for_model=cost.sentences_for_model,
            expected_calls=cost.calls,
            expected_prompt_tokens=cost.prompt_tokens,
            expected_output_tokens=cost.output_tokens,
        )


def estimate(deps: Deps, data: bytes, settings: JobSettings) -> Estimate:
    # The PDF readers load with the first estimate, not at the API's cold start.
    from shared.text.pdf_source import open_pdf
    from shared.text.pipeline import source_sentences

    if not looks_like_pdf(data):
        raise NotAPdf("The file is not a PDF.")
    engine = deps.engines.for_settings(settings)
    choice = engine.choice
    book = open_pdf(data, max_pages=deps.limits.max_pages)
    try:
        sentences = list(source_sentences(book))
    except NoTextLayer:
        cost = engine.scan_cost(book.page_count)
        return Estimate.of(choice.engine, choice.model, book.page_count, True, [], 0, cost)
    limit = settings.sentence_length_limit
    over = sum(count_words(s.text) > limit for s in sentences)
    cost = engine.cost(sentences, settings)
    return Estimate.of(choice.engine, choice.model, book.page_count, False, sentences, over, cost)
