"""The engines a job can run on, each one strategy behind one interface.

Which engine runs is decided once, when the job is made (`Engines.for_settings`:
"auto" is Gemini when a key is configured, else offline) and recorded on the job; every
later step asks `Engines.for_job` for that engine and lets it do its part: where its
chunk tasks queue, whether it can read a book without a text layer, how a chunk's
sentences are made, and what a book would cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from shared.domain.errors import GeminiNotConfigured
from shared.domain.jobs import Chunk, Engine, Job, JobSettings
from shared.domain.sentences import Note, OutputSentence, SourceSentence
from shared.gemini.ports import Usage

if TYPE_CHECKING:  # the text engine loads with an engine, not with the API (cold starts)
    from shared.text.pipeline import RunStats

CHUNKS_QUEUE = "chunks"


@dataclass(frozen=True, slots=True)
class EngineChoice:
    """What a job records of its engine when it is made."""

    engine: Engine
    model: str | None = None
    prompt_version: str | None = None


@dataclass(frozen=True, slots=True)
class ChunkOutput:
    """A chunk's sentences (with the source sentences they come from) and their cost."""

    sentences: list[OutputSentence]
    sources: list[SourceSentence]
    usage: Usage = field(default_factory=Usage)
    model_calls: int = 0
    flagged: int = 0  # sentences the offline engine made after the model's rewrite failed
    notes: list[Note] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ModelCost:
    """What the model would be asked for a book (nothing for the offline engine)."""

    sentences_for_model: int = 0
    calls: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0


class ChunkBook(Protocol):
    """A chunk's way into its book (`shared.service.chunk_books`)."""

    def sources(self, chunk: Chunk, stats: RunStats, notes: list[Note]) -> list[SourceSentence]:
        """The sentences that start on the chunk's pages; the notes printed on them go to
        `notes`. Raises NoTextLayer for pages without text (a scan)."""
        ...

    def pdf(self) -> bytes:
        """The book's PDF, for an engine that reads page images."""
        ...


class TextEngine(Protocol):
    @property
    def available(self) -> bool:
        """False for a stand-in of an engine that is not configured here."""
        ...

    @property
    def choice(self) -> EngineChoice: ...

    @property
    def queue(self) -> str:
        """The task queue its chunks go to."""
        ...

    @property
    def reads_scans(self) -> bool:
        """Whether it can process a book whose pages have no text layer."""
        ...

    def run_chunk(self, job: Job, chunk: Chunk, book: ChunkBook, stats: RunStats) -> ChunkOutput:
        """The sentences that start on the chunk's pages, each within the job's limit, and
        the notes printed on them."""
        ...

    def shorten_sentences(
        self, sources: Sequence[SourceSentence], settings: JobSettings, stats: RunStats
    ) -> ChunkOutput:
        """Each source sentence as sentences within the settings' limit, in order."""
        ...

    def cost(self, sentences: Sequence[SourceSentence], settings: JobSettings) -> ModelCost: ...

    def scan_cost(self, pages: int) -> ModelCost:
        """What reading a book of `pages` page images would cost (raises if it cannot)."""
        ...


@dataclass(frozen=True, slots=True)
class Engines:
    offline: TextEngine
    # The Gemini engine, or a stand-in that refuses work when no key is configured.
    gemini: TextEngine

    def for_settings(self, settings: JobSettings) -> TextEngine:
        """The engine a new job runs on."""
        wanted = settings.engine
        if wanted is Engine.GEMINI and not self.gemini.available:
            raise GeminiNotConfigured("The Gemini engine is not configured here; choose offline.")
        if wanted is Engine.OFFLINE or not self.gemini.available:
            return self.offline
        return self.gemini

    def for_job(self, job: Job) -> TextEngine:
        """The engine the job was made for (Gemini's stand-in fails its chunks)."""
        return self.gemini if job.engine is Engine.GEMINI else self.offline
