"""A chunk through the Gemini engine: its sentences (transcribed first for a scanned
book), rewritten by the model where the offline engine falls short."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from shared.domain.errors import NoTextLayer
from shared.domain.jobs import Chunk, Job
from shared.domain.sentences import OutputSentence, SourceSentence
from shared.gemini.cache import rewrite_key
from shared.gemini.engine import RewriteReport, rewrite_sentences
from shared.gemini.model import ModelKeyInvalid, ModelRequest
from shared.gemini.prompt import transcription_prompt
from shared.service.deps import Deps, GeminiSetup
from shared.text.pdf_source import extract_pages, open_pdf
from shared.text.pipeline import RunStats, source_sentences
from shared.text.segmenter import balance_quotes, split_sentences

TRANSCRIPTION_VERSION = "transcribe-2026-11-v1"
TRANSCRIPTION_MAX_OUTPUT_TOKENS = 32_768


@dataclass(frozen=True, slots=True)
class GeminiChunk:
    sentences: list[OutputSentence]
    sources: list[SourceSentence]
    report: RewriteReport


def gemini_chunk(deps: Deps, job: Job, chunk: Chunk, data: bytes, stats: RunStats) -> GeminiChunk:
    setup = deps.gemini
    if setup is None:  # the key was removed after the job was created
        raise ModelKeyInvalid("The Gemini engine is not configured any more.")
    report = RewriteReport()
    book = open_pdf(data, max_pages=deps.limits.max_pages)
    try:
        sources = list(source_sentences(book, chunk.first_page, chunk.last_page, stats))
    except NoTextLayer:
        sources = _transcribed(setup, job, chunk, data, report)
    options = dataclasses.replace(
        setup.options,
        limit=job.settings.sentence_length_limit,
        keep_dialogue=job.settings.keep_dialogue,
    )
    outputs, rewrite_report = rewrite_sentences(setup.model, setup.cache, sources, options, stats)
    rewrite_report.usage += report.usage
    rewrite_report.calls += report.calls
    stats.source_sentences = len(sources)
    stats.output_sentences = len(outputs)
    stats.methods.update(str(o.method) for o in outputs)
    return GeminiChunk(outputs, sources, rewrite_report)


def _transcribed(
    setup: GeminiSetup, job: Job, chunk: Chunk, data: bytes, report: RewriteReport
) -> list[SourceSentence]:
    """The chunk's pages read by the model (cached: a retry does not pay twice).

    Sentences are dated to the chunk's first page, and a sentence running over a
    chunk boundary comes out in two pieces: a scan has no text to find where it ends.
    """
    key = rewrite_key(
        setup.model.model_name,
        TRANSCRIPTION_VERSION,
        chunk.first_page,
        f"{job.object_name}#{job.generation}:{chunk.first_page}-{chunk.last_page}",
    )
    cached = setup.cache.get_many([key])
    if key in cached:
        paragraphs = cached[key]
    else:
        answer = setup.model.generate(
            ModelRequest(
                system="Tu transcris des pages de romans français.",
                prompt=transcription_prompt(),
                max_output_tokens=TRANSCRIPTION_MAX_OUTPUT_TOKENS,
                pdf=extract_pages(data, chunk.first_page, chunk.last_page),
            )
        )
        report.count_call(answer)
        paragraphs = [line.strip() for line in answer.text.splitlines() if line.strip()]
        if not answer.blocked:
            setup.cache.put_many({key: paragraphs})
    texts = [text for paragraph in paragraphs for _, text in split_sentences(paragraph)]
    return [
        SourceSentence(index, balance_quotes(text), chunk.first_page)
        for index, text in enumerate(texts)
    ]
