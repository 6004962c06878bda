"""The offline engine: the text pipeline alone, no network, no cost."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from shared.domain.errors import NoTextLayer
from shared.domain.jobs import Chunk, Engine, Job, JobSettings
from shared.domain.sentences import Note, OutputSentence, SourceSentence
from shared.service.engines import CHUNKS_QUEUE, ChunkBook, ChunkOutput, EngineChoice, ModelCost
from shared.text.pipeline import RunStats, shorten


def count_outputs(
    stats: RunStats, sources: Sequence[SourceSentence], outputs: Sequence[OutputSentence]
) -> None:
    stats.source_sentences, stats.output_sentences = len(sources), len(outputs)
    stats.methods.update(str(output.method) for output in outputs)


class OfflineEngine:
    """The text engine alone: no network, no cost."""

    available = True
    choice = EngineChoice(Engine.OFFLINE)
    queue = CHUNKS_QUEUE
    reads_scans = False

    def run_chunk(self, job: Job, chunk: Chunk, book: ChunkBook, stats: RunStats) -> ChunkOutput:
        notes: list[Note] = []
        try:
            sources = book.sources(chunk, stats, notes)
        except NoTextLayer:  # a chunk of pictures in a book with text: nothing to add
            return ChunkOutput([], [])
        output = self.shorten_sentences(sources, job.settings, stats)
        return dataclasses.replace(output, notes=notes)

    def shorten_sentences(
        self, sources: Sequence[SourceSentence], settings: JobSettings, stats: RunStats
    ) -> ChunkOutput:
        limit = settings.sentence_length_limit
        outputs = [output for source in sources for output in shorten(source, limit, stats)]
        count_outputs(stats, sources, outputs)
        return ChunkOutput(outputs, list(sources))

    def cost(self, sentences: Sequence[SourceSentence], settings: JobSettings) -> ModelCost:
        return ModelCost()

    def scan_cost(self, pages: int) -> ModelCost:
        raise NoTextLayer("The PDF has no text layer (a scanned book?): its pages are images.")
