"""The Gemini engine on a scripted model (a fake of the TextModel port): every failure mode."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from shared.domain.errors import ModelKeyInvalid, ModelRateLimited
from shared.domain.sentences import Method, SourceSentence
from shared.domain.words import count_words
from shared.gemini import engine
from shared.gemini.cache import MemoryCache
from shared.gemini.checks import check_rewrite
from shared.gemini.options import RewriteOptions
from shared.gemini.ports import ModelAnswer, ModelRequest
from shared.gemini.prompt import system_instruction
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import source_sentences
from tests.fakes import ScriptedModel, good_rewrite, items_of

SAMPLE = Path(__file__).parents[2] / "samples" / "sample-novel.pdf"
LIMIT = 8


@pytest.fixture(scope="module")
def book() -> list[SourceSentence]:
    return list(source_sentences(open_pdf(SAMPLE), 1, 6))


@pytest.fixture(scope="module")
def clean_book(book: list[SourceSentence]) -> list[SourceSentence]:
    """The sentences whose scripted rewrite passes the checks at once."""
    return [s for s in book if check_rewrite(s.text, good_rewrite(s.text), LIMIT).ok]


def run(
    model: ScriptedModel,
    sentences: list[SourceSentence],
    cache: MemoryCache | None = None,
    **options: object,
) -> tuple[list, engine.RewriteReport]:  # type: ignore[type-arg]
    settings = RewriteOptions(LIMIT, rewrite_all=True, **options)  # type: ignore[arg-type]
    return engine.rewrite_sentences(model, cache or MemoryCache(), sentences, settings)


def assert_whole(outputs: list, sentences: list[SourceSentence]) -> None:  # type: ignore[type-arg]
    assert all(1 <= count_words(o.text) <= LIMIT for o in outputs)
    assert sorted({o.source_index for o in outputs}) == [s.index for s in sentences]


def test_only_long_sentences_go_to_the_model_and_come_back_rewritten(
    clean_book: list[SourceSentence],
) -> None:
    model = ScriptedModel()

    outputs, report = run(model, clean_book)

    long = [s for s in clean_book if count_words(s.text) > LIMIT]
    sent = [item["text"] for r in model.requests for item in items_of(r)]
    assert sent == [s.text for s in long]
    assert report.rewritten == len(long) == report.sent
    assert {o.method for o in outputs} == {Method.KEPT, Method.REWRITTEN}
    assert_whole(outputs, clean_book)
    request = model.requests[0]
    assert (request.temperature, request.thinking_budget, request.max_output_tokens) == (
        0.2,
        0,
        8192,
    )
    assert request.response_schema is not None and "LIMIT=8" in request.prompt


def test_clean_offline_splits_are_not_paid_for_unless_asked(book: list[SourceSentence]) -> None:
    model = ScriptedModel()

    outputs, report = engine.rewrite_sentences(model, MemoryCache(), book, RewriteOptions(LIMIT))

    assert report.offline_clean > 0
    long = [s for s in book if count_words(s.text) > LIMIT]
    assert report.sent == len(long) - report.offline_clean
    assert_whole(outputs, book)


def test_batches_respect_the_item_and_token_budgets(book: list[SourceSentence]) -> None:
    model = ScriptedModel()

    run(model, book, batch_max_items=5, batch_max_tokens=200)

    for request in model.requests:
        items = items_of(request)
        assert 1 <= len(items) <= 5
        estimate = sum(len(i["text"]) // 4 + engine.ITEM_OVERHEAD_TOKENS for i in items)
        assert len(items) == 1 or estimate <= 200


def test_a_second_run_costs_nothing(clean_book: list[SourceSentence]) -> None:
    cache, model = MemoryCache(), ScriptedModel()
    first, _ = run(model, clean_book, cache)
    calls = len(model.requests)

    second, report = run(model, clean_book, cache)

    assert len(model.requests) == calls
    assert report.cache_hits == report.rewritten and report.calls == 0
    assert second == first


def test_a_rewrite_over_the_limit_is_sent_back_once_with_the_reason(
    clean_book: list[SourceSentence],
) -> None:
    model = ScriptedModel()
    model.script.append(
        lambda request: ModelAnswer(
            json.dumps([{"id": i["id"], "sentences": [i["text"]]} for i in items_of(request)]),
            "STOP",
        )
    )

    outputs, report = run(model, clean_book, batch_max_items=100, batch_max_tokens=100_000)

    assert len(model.requests) == 2
    assert "more than 8" in model.requests[1].prompt
    assert report.rewritten == report.sent and not report.flags
    assert_whole(outputs, clean_book)


def test_a_rewrite_that_fails_twice_falls_back_to_the_offline_engine_flagged(
    book: list[SourceSentence],
) -> None:
    def inventive(text: str) -> list[str]:
        return [*good_rewrite(text)[:-1], "Soudain un dragon arriva."]

    outputs, report = run(ScriptedModel(inventive), book)

    flagged = [o for o in outputs if o.flag]
    assert report.flags == {engine.FAILED_CHECKS: report.sent}
    assert {o.flag for o in flagged} == {engine.FAILED_CHECKS}
    assert all(o.method is not Method.REWRITTEN for o in outputs)
    assert "dragon" not in " ".join(o.text for o in outputs)
    assert_whole(outputs, book)


@pytest.mark.parametrize("reason", ["RECITATION", "SAFETY", "PROMPT_BLOCKED"])
def test_a_blocked_batch_is_not_retried_blindly(book: list[SourceSentence], reason: str) -> None:
    model = ScriptedModel()
    model.script.append(lambda request: ModelAnswer("", reason))

    outputs, report = run(model, book, batch_max_items=100, batch_max_tokens=100_000)

    assert len(model.requests) == 1
    assert report.flags == {engine.BLOCKED: report.sent}
    assert_whole(outputs, book)


def test_a_truncated_answer_is_split_and_retried(clean_book: list[SourceSentence]) -> None:
    model = ScriptedModel()

    def truncated(request: ModelRequest) -> ModelAnswer:
        return ModelAnswer(model.answer(request).text[:50], "MAX_TOKENS")

    model.script.append(truncated)

    outputs, report = run(model, clean_book, batch_max_items=100, batch_max_tokens=100_000)

    assert len(model.requests) == 3  # the whole batch, then its two halves
    assert report.rewritten == report.sent
    assert_whole(outputs, clean_book)


def test_malformed_json_for_one_sentence_flags_only_that_one(
    book: list[SourceSentence],
) -> None:
    model = ScriptedModel()
    model.script += [lambda request: ModelAnswer("[{'id': 0,", "STOP")] * 10
    long = [s for s in book if count_words(s.text) > LIMIT][:2]

    outputs, report = run(model, long)

    assert report.flags == {engine.BAD_JSON: 2}  # halves down to single items, still bad
    assert_whole(outputs, long)


def test_a_rate_limit_is_raised_after_the_other_batches_are_cached(
    clean_book: list[SourceSentence],
) -> None:
    cache, model = MemoryCache(), ScriptedModel()

    def limited(request: ModelRequest) -> ModelAnswer:
        raise ModelRateLimited("429 RESOURCE_EXHAUSTED")

    model.script.append(limited)
    with pytest.raises(ModelRateLimited):
        run(model, clean_book, cache, batch_max_items=4, parallel_calls=1)
    batches = len(model.requests)

    outputs, report = run(model, clean_book, cache, batch_max_items=4, parallel_calls=1)

    assert len(model.requests) - batches == 1  # only the limited batch is sent again
    assert report.calls == 1 and report.rewritten == report.cache_hits + report.sent
    assert_whole(outputs, clean_book)


def test_an_invalid_key_is_raised_at_once(book: list[SourceSentence]) -> None:
    model = ScriptedModel()

    def invalid(request: ModelRequest) -> ModelAnswer:
        raise ModelKeyInvalid("API key not valid")

    model.script += [invalid] * 100

    with pytest.raises(ModelKeyInvalid):
        run(model, book)


def test_batches_run_in_parallel(book: list[SourceSentence]) -> None:
    model = ScriptedModel()
    active, peak = 0, 0
    lock = threading.Lock()
    release = threading.Barrier(4, timeout=5)

    def slow(request: ModelRequest) -> ModelAnswer:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        release.wait()
        with lock:
            active -= 1
        return model.answer(request)

    model.script += [slow] * 4

    run(model, book, batch_max_items=3, parallel_calls=4)

    assert peak == 4


def test_the_prompt_states_the_limit() -> None:
    assert "au plus 12 mots" in system_instruction(12)
    assert "au plus 8 mots" in system_instruction(8)


def test_dialogue_can_be_kept_verbatim(book: list[SourceSentence]) -> None:
    model = ScriptedModel()

    outputs, _ = run(model, book, keep_dialogue=True)

    sent = [item["text"] for r in model.requests for item in items_of(r)]
    dialogue = [s for s in book if count_words(s.text) > LIMIT and engine.is_dialogue(s.text)]
    assert dialogue and not any(engine.is_dialogue(text) for text in sent)
    assert all(
        o.method is not Method.REWRITTEN
        for o in outputs
        if o.source_index in {s.index for s in dialogue}
    )
