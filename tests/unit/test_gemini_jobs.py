"""Jobs on the Gemini engine, through the service layer with a scripted model."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from shared.domain.errors import GeminiNotConfigured, ModelKeyInvalid, ModelRateLimited
from shared.domain.jobs import Engine, JobSettings, JobStatus
from shared.domain.words import count_words
from shared.gemini.cache import MemoryCache
from shared.gemini.ports import ModelAnswer, ModelRequest
from shared.gemini.prompt import PROMPT_VERSION
from shared.service import chunks, estimate
from shared.service.deps import Limits
from shared.service.engines import Engines
from shared.service.gemini_text_engine import GeminiEngine, GeminiSetup
from shared.service.offline_text_engine import OfflineEngine
from tests.books.builder import scanned_pdf
from tests.drive import all_sentences, chunk_tasks, run_chunk_tasks, upload_and_trigger
from tests.fakes import FakeWorld, ScriptedModel, fake_world, items_of, with_gemini

SAMPLE = (Path(__file__).parents[2] / "samples" / "sample-novel.pdf").read_bytes()
TRANSCRIPTION = "Il pleuvait sur la ville, et elle attendait, immobile, que le jour se lève enfin."


class ReadingModel(ScriptedModel):
    """Also reads page images: a transcription request gets TRANSCRIPTION back."""

    def answer(self, request: ModelRequest) -> ModelAnswer:
        if request.pdf is not None:
            return ModelAnswer(TRANSCRIPTION, "STOP")
        return super().answer(request)


@pytest.fixture
def model() -> ReadingModel:
    return ReadingModel()


@pytest.fixture
def world(model: ReadingModel) -> FakeWorld:
    world = fake_world(Limits(pages_per_chunk=10, chunk_max_attempts=3))
    world.deps = with_gemini(world.deps, model)
    return world


def start(world: FakeWorld, data: bytes = SAMPLE, engine: Engine = Engine.AUTO) -> str:
    return upload_and_trigger(world, data, JobSettings(8, engine))


def test_auto_means_gemini_when_it_is_configured(world: FakeWorld, model: ReadingModel) -> None:
    job_id = start(world)
    run_chunk_tasks(world)

    job = world.jobs.get(job_id)
    assert job is not None and job.status is JobStatus.COMPLETED
    assert (job.engine, job.model, job.prompt_version) == (
        Engine.GEMINI,
        model.model_name,
        PROMPT_VERSION,
    )
    assert {t.queue for t in world.tasks.of_kind("chunk")} == {"gemini"}
    assert job.model_calls == len(model.requests) > 0
    assert job.prompt_tokens > 0 and job.output_tokens > 0
    found = all_sentences(world.deps, job_id)
    assert {s["method"] for s in found} >= {"kept", "rewritten"}
    assert all(1 <= count_words(str(s["text"])) <= 8 for s in found)
    assert sorted({s["source_index"] for s in found}) == list(range(job.source_sentence_count))


def test_without_a_key_auto_is_offline_and_gemini_is_refused() -> None:
    world = fake_world()

    job_id = start(world)

    assert world.jobs.get(job_id).engine is Engine.OFFLINE  # type: ignore[union-attr]
    with pytest.raises(GeminiNotConfigured):
        start(world, engine=Engine.GEMINI)


def test_a_rate_limited_chunk_is_retried_and_pays_only_for_what_failed(
    world: FakeWorld, model: ReadingModel
) -> None:
    job_id = start(world)
    first = chunk_tasks(world)[0]

    def limited(request: ModelRequest) -> ModelAnswer:
        raise ModelRateLimited("429")

    model.script.append(limited)
    with pytest.raises(ModelRateLimited):
        chunks.run_chunk(world.deps, first, attempt=1)
    calls = len(model.requests)
    chunks.run_chunk(world.deps, first, attempt=2)

    # What the first attempt's answered batches got accepted is cached: not sent again.
    sent = {item["text"] for request in model.requests[:calls] for item in items_of(request)}
    resent = {item["text"] for request in model.requests[calls:] for item in items_of(request)}
    assert 0 < len(resent) < len(sent)
    assert world.jobs.chunk_recorded(job_id, 0)


def test_an_invalid_key_fails_the_job_with_its_code(world: FakeWorld, model: ReadingModel) -> None:
    job_id = start(world)

    def invalid(request: ModelRequest) -> ModelAnswer:
        raise ModelKeyInvalid("API key not valid. Please pass a valid API key.")

    model.script += [invalid] * 50

    outcome = chunks.run_chunk(world.deps, chunk_tasks(world)[0], attempt=1)

    job = world.jobs.get(job_id)
    assert outcome == "failed: GEMINI_KEY_INVALID"
    assert job is not None and job.status is JobStatus.FAILED
    assert job.error is not None and job.error.code == "GEMINI_KEY_INVALID"


def test_a_scanned_book_is_transcribed_then_rewritten(
    world: FakeWorld, model: ReadingModel
) -> None:
    job_id = start(world, scanned_pdf(3))
    run_chunk_tasks(world)

    job = world.jobs.get(job_id)
    assert job is not None and job.status is JobStatus.COMPLETED, job and job.error
    assert [r.pdf is not None for r in model.requests].count(True) == 1
    text = " ".join(str(s["text"]) for s in all_sentences(world.deps, job_id))
    assert "pleuvait" in text and "immobile" in text


def test_pages_of_a_scan_the_model_will_not_read_fail_the_job_naming_them(
    world: FakeWorld, model: ReadingModel
) -> None:
    def recited(request: ModelRequest) -> ModelAnswer:
        return ModelAnswer("", "RECITATION")

    model.script += [recited] * 5  # pages 1-3, 1-2, 1, 2, 3: every try
    job_id = start(world, scanned_pdf(3))

    outcome = chunks.run_chunk(world.deps, chunk_tasks(world)[0], attempt=1)

    job = world.jobs.get(job_id)
    assert outcome == "failed: TRANSCRIPTION_RECITATION"
    assert job is not None and job.status is JobStatus.FAILED and job.error is not None
    assert job.error.code == "TRANSCRIPTION_RECITATION"
    assert "1 (RECITATION), 2 (RECITATION), 3 (RECITATION)" in job.error.message
    assert [r.pdf is not None for r in model.requests].count(True) == 5
    assert world.jobs.chunk_records(job_id) == []


def test_a_scan_read_in_smaller_parts_completes(world: FakeWorld, model: ReadingModel) -> None:
    def truncated(request: ModelRequest) -> ModelAnswer:
        return ModelAnswer(TRANSCRIPTION[:20], "MAX_TOKENS")

    model.script.append(truncated)  # the whole chunk's pages at once
    job_id = start(world, scanned_pdf(3))
    run_chunk_tasks(world)

    job = world.jobs.get(job_id)
    assert job is not None and job.status is JobStatus.COMPLETED, job and job.error
    text = " ".join(str(s["text"]) for s in all_sentences(world.deps, job_id))
    assert text.count("pleuvait") == 2  # the two halves, each read once; not the cut text


def test_gemini_becomes_available_when_a_key_appears(model: ReadingModel) -> None:
    world = fake_world()
    key: list[str] = []
    setup = GeminiSetup(model, MemoryCache(), configured=lambda: bool(key))
    world.deps = dataclasses.replace(
        world.deps, engines=Engines(OfflineEngine(), GeminiEngine(setup))
    )

    before = start(world)
    key.append("first version of the secret")
    after = start(world)

    engines = [world.jobs.get(job_id).engine for job_id in (before, after)]  # type: ignore[union-attr]
    assert engines == [Engine.OFFLINE, Engine.GEMINI]


def test_a_scanned_book_without_gemini_is_refused() -> None:
    world = fake_world()

    job_id = start(world, scanned_pdf(3))

    job = world.jobs.get(job_id)
    assert job is not None and job.error is not None and job.error.code == "PDF_NO_TEXT_LAYER"


def test_the_estimate_matches_what_processing_then_sends(
    world: FakeWorld, model: ReadingModel
) -> None:
    whole_book = dataclasses.replace(world.deps.limits, pages_per_chunk=100)
    world.deps = dataclasses.replace(world.deps, limits=whole_book)

    found = estimate.estimate(world.deps, SAMPLE, JobSettings(8, Engine.AUTO))
    start(world)
    run_chunk_tasks(world)

    first_pass = [r for r in model.requests if "refais-la" not in r.prompt]
    sent = sum(len(json.loads(r.prompt.splitlines()[-1])) for r in first_pass)
    assert (found.engine, found.pages, found.scanned) == (Engine.GEMINI, 30, False)
    assert found.sentences_for_model == sent
    assert found.expected_calls == len(first_pass)
    assert 0 < found.sentences_for_model <= found.sentences_over_limit <= found.source_sentences
    assert found.expected_prompt_tokens > 0 and found.expected_output_tokens > 0


def test_the_offline_estimate_costs_nothing() -> None:
    found = estimate.estimate(fake_world().deps, SAMPLE, JobSettings(12))

    assert (found.engine, found.expected_calls, found.expected_prompt_tokens) == (
        Engine.OFFLINE,
        0,
        0,
    )
    assert found.sentences_over_limit > 0
