"""The Gemini engine as a job's engine: a chunk's sentences (transcribed first for a
scanned book), rewritten by the model where the offline engine falls short; and its
stand-in where no key is configured."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from shared.domain.errors import GeminiNotConfigured, ModelKeyInvalid, NoTextLayer
from shared.domain.jobs import Chunk, Engine, Job, JobSettings
from shared.domain.sentences import DEFAULT_LIMIT, Note, SourceSentence
from shared.domain.words import count_words
from shared.gemini.engine import (
    RewriteReport,
    estimated_tokens,
    needs_model,
    plan_batches,
    rewrite_sentences,
)
from shared.gemini.options import RewriteOptions
from shared.gemini.ports import RewriteCache, TextModel
from shared.gemini.prompt import PROMPT_VERSION, system_instruction
from shared.gemini.resilient import rewrite_with_fallback
from shared.gemini.transcription import Transcriber
from shared.service.engines import ChunkBook, ChunkOutput, EngineChoice, ModelCost
from shared.service.offline_text_engine import count_outputs
from shared.text.pipeline import RunStats, shorten
from shared.text.segmenter import balance_quotes, split_sentences

if TYPE_CHECKING:
    pass

GEMINI_QUEUE = "gemini"  # paced to the model's quota
# Gemini reads a PDF page as about this many tokens, and writes about this many back.
TOKENS_PER_SCANNED_PAGE = 258
TOKENS_PER_TRANSCRIBED_PAGE = 500
# A rewrite runs a little longer than its source (carried subjects, periods).
OUTPUT_RATIO = 1.15
SCAN_PAGES_PER_CALL = 30


def _always() -> bool:
    return True


@dataclass(frozen=True, slots=True)
class GeminiSetup:
    """The model, its answer cache and the engine's defaults (the limit is the job's).

    `configured` says whether a key is there now: deployed, the key is a secret whose
    first version may come after the instance started, so new jobs ask each time.
    """

    model: TextModel
    cache: RewriteCache
    options: RewriteOptions = field(default_factory=lambda: RewriteOptions(DEFAULT_LIMIT))
    configured: Callable[[], bool] = _always


class GeminiEngine:
    queue = GEMINI_QUEUE
    reads_scans = True

    def __init__(self, setup: GeminiSetup) -> None:
        self._setup = setup

    @property
    def available(self) -> bool:
        return self._setup.configured()

    @property
    def choice(self) -> EngineChoice:
        return EngineChoice(Engine.GEMINI, self._setup.model.model_name, PROMPT_VERSION)

    def run_chunk(self, job: Job, chunk: Chunk, book: ChunkBook, stats: RunStats) -> ChunkOutput:
        transcription = RewriteReport()
        notes: list[Note] = []
        try:
            sources = book.sources(chunk, stats, notes)
        except NoTextLayer:
            sources = self._transcribed(job, chunk, book.pdf(), transcription)
        output = self.shorten_sentences(sources, job.settings, stats)
        return dataclasses.replace(
            output,
            usage=output.usage + transcription.usage,
            model_calls=output.model_calls + transcription.calls,
            notes=notes,
        )

    def shorten_sentences(
        self, sources: Sequence[SourceSentence], settings: JobSettings, stats: RunStats
    ) -> ChunkOutput:
        outputs, report = rewrite_sentences(
            self._setup.model, self._setup.cache, sources, self._options(settings), stats
        )
        count_outputs(stats, sources, outputs)
        return ChunkOutput(outputs, list(sources), report.usage, report.calls, report.flags.total())

    def cost(self, sentences: Sequence[SourceSentence], settings: JobSettings) -> ModelCost:
        """The engine's own batching over the sentences it would send."""
        options = self._options(settings)
        stats = RunStats()
        over = [s for s in sentences if count_words(s.text) > options.limit]
        for_model = [s for s in over if needs_model(s, shorten(s, options.limit, stats), options)]
        calls = len(plan_batches(for_model, options))
        sent = sum(estimated_tokens(s.text) for s in for_model)
        system = estimated_tokens(system_instruction(options.limit))
        return ModelCost(
            sentences_for_model=len(for_model),
            calls=calls,
            prompt_tokens=calls * system + sent,
            output_tokens=round(sent * OUTPUT_RATIO),
        )

    def scan_cost(self, pages: int) -> ModelCost:
        """A scan: the transcription dominates; its sentences are unknown until then."""
        return ModelCost(
            calls=-(-pages // SCAN_PAGES_PER_CALL),
            prompt_tokens=pages * TOKENS_PER_SCANNED_PAGE,
            output_tokens=pages * TOKENS_PER_TRANSCRIBED_PAGE,
        )

    def _options(self, settings: JobSettings) -> RewriteOptions:
        return dataclasses.replace(
            self._setup.options,
            limit=settings.sentence_length_limit,
            keep_dialogue=settings.keep_dialogue,
        )

    def _transcribed(
        self, job: Job, chunk: Chunk, data: bytes, report: RewriteReport
    ) -> list[SourceSentence]:
        """The chunk's pages read by the model (cached: a retry does not pay twice).

        Sentences are dated to the chunk's first page, and a sentence running over a
        chunk boundary comes out in two pieces: a scan has no text to find where it ends.
        """
        from shared.text.pdf_source import extract_pages  # with the first scanned book

        setup = self._setup
        transcriber = Transcriber(
            setup.model,
            setup.cache,
            partial(extract_pages, data),
            f"{job.object_name}#{job.generation}",
            report,
        )
        paragraphs = transcriber.paragraphs(chunk.first_page, chunk.last_page)
        texts = [text for paragraph in paragraphs for _, text in split_sentences(paragraph)]
        return [
            SourceSentence(index, balance_quotes(text), chunk.first_page)
            for index, text in enumerate(texts)
        ]


class GeminiUnavailable:
    """Where no Gemini key is configured: new jobs cannot choose it, and a job made
    while one was fails its chunks (the key was removed since)."""

    available = False
    choice = EngineChoice(Engine.GEMINI)
    queue = GEMINI_QUEUE
    reads_scans = True

    def run_chunk(self, job: Job, chunk: Chunk, book: ChunkBook, stats: RunStats) -> ChunkOutput:
        raise ModelKeyInvalid("The Gemini engine is not configured any more.")

    def shorten_sentences(
        self, sources: Sequence[SourceSentence], settings: JobSettings, stats: RunStats
    ) -> ChunkOutput:
        raise ModelKeyInvalid("The Gemini engine is not configured any more.")

    def cost(self, sentences: Sequence[SourceSentence], settings: JobSettings) -> ModelCost:
        raise GeminiNotConfigured("The Gemini engine is not configured here; choose offline.")

    def scan_cost(self, pages: int) -> ModelCost:
        raise GeminiNotConfigured("The Gemini engine is not configured here; choose offline.")


class FallbackGeminiEngine(GeminiEngine):
    """For the local command, which has no task queue to retry it: the model is retried a
    few times, then the offline engine stands in (flagged), so every sentence is written.
    `on_fallback` hears why, once per distinct error."""

    def __init__(self, setup: GeminiSetup, on_fallback: Callable[[str], None]) -> None:
        super().__init__(setup)
        self._on_fallback = on_fallback

    def shorten_sentences(
        self, sources: Sequence[SourceSentence], settings: JobSettings, stats: RunStats
    ) -> ChunkOutput:
        setup = self._setup
        outputs, report, errors = rewrite_with_fallback(
            setup.model, setup.cache, sources, self._options(settings), stats
        )
        for error in dict.fromkeys(errors):
            self._on_fallback(error)
        count_outputs(stats, sources, outputs)
        return ChunkOutput(outputs, list(sources), report.usage, report.calls, report.flags.total())
