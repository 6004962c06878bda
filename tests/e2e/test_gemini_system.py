"""The Gemini path through the whole local system, with a fake of the Gemini REST API
driven by the real google-genai client inside the worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.api_client import ApiClient, local_api_client
from infra.fake_gemini import outcomes
from infra.fake_gemini.outcomes import Script
from infra.fake_gemini.server import FakeGemini
from infra.local_stack import LocalStack
from infra.local_stack.paths import LOG_DIR
from infra.local_stack.product import product_config
from shared.domain.words import count_words
from shared.gemini.ports import DEFAULT_MODEL
from tests.books.builder import scanned_pdf
from tests.e2e.conftest import PLANS, RATE_LIMITS

pytestmark = pytest.mark.stack

LIMIT = 8


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        yield server


@pytest.fixture(scope="module")
def gemini_stack(fake: FakeGemini) -> Iterator[LocalStack]:
    env = {
        "GEMINI_API_KEY": "local-test-key",
        "GOOGLE_GEMINI_BASE_URL": fake.url,
        "FNT_PAGES_PER_CHUNK": "10",
        "FNT_CHUNK_MAX_ATTEMPTS": "4",
        "FNT_RATE_LIMITS": RATE_LIMITS,
        "FNT_PLANS": PLANS,  # free users may use Gemini here
    }
    with LocalStack(product_config(env=env, log_dir=LOG_DIR / "e2e-gemini")) as stack:
        yield stack


@pytest.fixture
def reader(gemini_stack: LocalStack, fake: FakeGemini) -> ApiClient:
    """A fresh script and an empty database (no cached rewrites) for each test."""
    gemini_stack.reset_firestore()
    fake.script = fake.behaviour = Script()  # type: ignore[assignment]
    fake.valid_keys = None
    fake.calls.clear()
    return local_api_client(gemini_stack, "gemini-reader")


def process(reader: ApiClient, pdf: bytes) -> tuple[dict, list[dict]]:  # type: ignore[type-arg]
    created = reader.create_upload("roman.pdf", len(pdf), LIMIT)
    reader.put_file(created, pdf)
    job = reader.wait(created["job_id"])
    sentences = list(reader.sentences(job["job_id"])) if job["status"] == "completed" else []
    return job, sentences


def assert_every_source_within_the_limit(job: dict, sentences: list[dict]) -> None:  # type: ignore[type-arg]
    assert all(1 <= count_words(s["text"]) <= LIMIT for s in sentences)
    sources = sorted({s["source_index"] for s in sentences})
    assert sources == list(range(job["counts"]["source_sentences"]))


def test_a_book_is_rewritten_by_gemini_through_the_system(
    reader: ApiClient, fake: FakeGemini, sample_pdf: bytes
) -> None:
    estimate = reader.request(
        "POST", "/estimate", files={"pdf_file": ("roman.pdf", sample_pdf, "application/pdf")}
    ).json()

    job, sentences = process(reader, sample_pdf)

    assert job["status"] == "completed", job["error"]
    assert job["engine"] == "gemini" and job["usage"]["model"] == DEFAULT_MODEL
    assert job["usage"]["calls"] == len(fake.calls) > 0
    assert job["usage"]["prompt_tokens"] > 0 and job["usage"]["output_tokens"] > 0
    assert "rewritten" in {s["method"] for s in sentences}
    assert_every_source_within_the_limit(job, sentences)
    assert estimate["engine"] == "gemini" and estimate["pages"] == 30
    assert 0 < estimate["expected_calls"] <= len(fake.calls)
    config = fake.calls[0].generation_config
    assert config["responseMimeType"] == "application/json"
    assert config["thinkingConfig"] == {"thinkingLevel": "MINIMAL"}  # the model's least


def test_rate_limits_are_retried_by_cloud_tasks(
    reader: ApiClient, fake: FakeGemini, sample_pdf: bytes
) -> None:
    fake.script.then(*[outcomes.http_error(429)] * 3)

    job, sentences = process(reader, sample_pdf)

    assert job["status"] == "completed", job["error"]
    assert_every_source_within_the_limit(job, sentences)


def test_a_recitation_block_falls_back_to_the_offline_engine_flagged(
    reader: ApiClient, fake: FakeGemini, sample_pdf: bytes
) -> None:
    fake.script.then(outcomes.blocked("RECITATION"))

    job, sentences = process(reader, sample_pdf)

    assert job["status"] == "completed", job["error"]
    flags = {s["flag"] for s in sentences}
    assert "gemini_blocked" in flags
    assert_every_source_within_the_limit(job, sentences)


def test_an_invalid_key_fails_the_job_with_a_clear_code(
    reader: ApiClient, fake: FakeGemini, sample_pdf: bytes
) -> None:
    fake.valid_keys = {"another-key"}

    job, _ = process(reader, sample_pdf)

    assert job["status"] == "failed"
    assert job["error"]["code"] == "GEMINI_KEY_INVALID"
    assert "local-test-key" not in job["error"]["message"]


def test_a_scanned_book_is_transcribed_then_rewritten(reader: ApiClient, fake: FakeGemini) -> None:
    job, sentences = process(reader, scanned_pdf(3))

    assert job["status"] == "completed", job["error"]
    assert any(call.documents for call in fake.calls)
    assert "pleuvait" in " ".join(s["text"] for s in sentences)
    assert_every_source_within_the_limit(job, sentences)
