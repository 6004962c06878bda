"""GenaiModel, the real google-genai client, against the fake Gemini REST API over HTTP."""

from __future__ import annotations

import base64
import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from infra.fake_gemini import (
    DEFAULT_TRANSCRIPTION,
    FakeGemini,
    answer,
    bad_json,
    blocked,
    hang,
    http_error,
    max_tokens,
    prompt_blocked,
)
from infra.fake_gemini.rewriter import rewrite, rewrite_prompt
from shared.adapters.genai_model import GenaiModel
from shared.domain.errors import (
    ModelKeyInvalid,
    ModelRateLimited,
    ModelRequestRejected,
    ModelUnavailable,
)
from shared.gemini.ports import ModelRequest, Usage
from tests.gemini.conftest import API_KEY, LONG_SENTENCE, SCHEMA, rewrite_request

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def transcription_request(pdf: bytes) -> ModelRequest:
    return ModelRequest(
        system="Transcris le texte de ce livre.",
        prompt="Page 1 à 3.",
        max_output_tokens=8192,
        pdf=pdf,
    )


def test_structured_answer_and_the_request_google_receives(
    fake: FakeGemini, model: GenaiModel
) -> None:
    request = rewrite_request([LONG_SENTENCE], limit=6, temperature=0.3, thinking_budget=0)

    got = model.generate(request)

    assert json.loads(got.text) == rewrite([{"id": "p1", "text": LONG_SENTENCE}], limit=6)
    assert got.finish_reason == "STOP"
    assert not got.blocked
    [call] = fake.calls
    assert call.model == "gemini-2.5-flash"
    assert call.api_key == API_KEY
    assert call.system == request.system
    assert call.prompt == request.prompt
    assert call.generation_config == {
        "temperature": 0.3,
        "maxOutputTokens": 4096,
        "thinkingConfig": {"thinkingBudget": 0},
        "responseMimeType": "application/json",
        "responseJsonSchema": SCHEMA,
    }


def test_a_request_without_schema_asks_for_plain_text(fake: FakeGemini, model: GenaiModel) -> None:
    model.generate(rewrite_request(["Il pleut."], response_schema=None, thinking_budget=512))

    config = fake.calls[0].generation_config
    assert "responseMimeType" not in config
    assert "responseJsonSchema" not in config
    assert config["thinkingConfig"] == {"thinkingBudget": 512}


def test_usage_comes_from_the_usage_metadata(fake: FakeGemini, model: GenaiModel) -> None:
    counts = {
        "promptTokenCount": 1200,
        "candidatesTokenCount": 70,
        "thoughtsTokenCount": 300,
        "cachedContentTokenCount": 1000,
    }
    fake.script.then(answer("[]", usage=counts))
    assert model.generate(rewrite_request(["Il pleut."])).usage == Usage(1200, 70, 300, 1000)

    request = rewrite_request([LONG_SENTENCE])
    got = model.generate(request)
    prompt_chars = len(request.system) + len(request.prompt)
    assert got.usage == Usage(prompt_chars // 4, len(got.text) // 4, 0, 0)


def test_base_url_from_the_sdk_environment_variable(
    fake: FakeGemini, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)

    got = GenaiModel(API_KEY, timeout_seconds=5).generate(rewrite_request(["Il pleut."]))

    assert got.finish_reason == "STOP"
    assert len(fake.calls) == 1


def test_429_is_rate_limited_and_not_retried_by_the_sdk(
    fake: FakeGemini, model: GenaiModel
) -> None:
    fake.script.then(http_error(429))

    with pytest.raises(ModelRateLimited) as raised:
        model.generate(rewrite_request(["Il pleut."]))

    assert raised.value.transient
    assert "RESOURCE_EXHAUSTED" in raised.value.message
    assert len(fake.calls) == 1


@pytest.mark.parametrize("code", [500, 503])
def test_server_errors_are_unavailable(fake: FakeGemini, model: GenaiModel, code: int) -> None:
    fake.script.then(http_error(code))

    with pytest.raises(ModelUnavailable) as raised:
        model.generate(rewrite_request(["Il pleut."]))

    assert raised.value.transient
    assert len(fake.calls) == 1


def test_an_invalid_key_is_reported_without_the_key() -> None:
    secret_key = "AIzaSy-not-the-right-key"
    with FakeGemini(valid_keys={API_KEY}) as fake:
        model = GenaiModel(secret_key, base_url=fake.url, timeout_seconds=5)
        with pytest.raises(ModelKeyInvalid) as raised:
            model.generate(rewrite_request(["Il pleut."]))

    assert not raised.value.transient
    assert "API key not valid" in raised.value.message
    assert secret_key not in str(raised.value)
    assert secret_key not in raised.value.message


def test_no_key_at_all_is_refused_before_any_call() -> None:
    with pytest.raises(ModelKeyInvalid):
        GenaiModel("  ")


def test_other_client_errors_reject_the_request(fake: FakeGemini, model: GenaiModel) -> None:
    fake.script.then(http_error(400, message="The input token count exceeds the maximum."))

    with pytest.raises(ModelRequestRejected) as raised:
        model.generate(rewrite_request(["Il pleut."]))

    assert not raised.value.transient
    assert "token count" in raised.value.message


@pytest.mark.parametrize("reason", ["RECITATION", "SAFETY"])
def test_a_blocked_candidate(fake: FakeGemini, model: GenaiModel, reason: str) -> None:
    fake.script.then(blocked(reason, text='[{"id": "p1", "sente'))

    got = model.generate(rewrite_request(["Il pleut."]))

    assert got.blocked
    assert got.finish_reason == reason
    assert got.text == '[{"id": "p1", "sente'


def test_a_blocked_prompt_has_no_candidate(fake: FakeGemini, model: GenaiModel) -> None:
    fake.script.then(prompt_blocked("PROHIBITED_CONTENT"))

    got = model.generate(rewrite_request(["Il pleut."]))

    assert (got.text, got.finish_reason, got.blocked) == ("", "PROMPT_BLOCKED", True)


def test_max_tokens_returns_the_truncated_text(fake: FakeGemini, model: GenaiModel) -> None:
    request = rewrite_request([LONG_SENTENCE])
    fake.script.then(max_tokens(40))

    got = model.generate(request)

    assert got.finish_reason == "MAX_TOKENS"
    assert not got.blocked
    assert got.text == rewrite_prompt(request.prompt)[:40]


def test_bad_json_passes_through_for_the_caller_to_parse(
    fake: FakeGemini, model: GenaiModel
) -> None:
    fake.script.then(bad_json())

    got = model.generate(rewrite_request([LONG_SENTENCE]))

    assert got.finish_reason == "STOP"
    with pytest.raises(json.JSONDecodeError):
        json.loads(got.text)


def test_a_hung_call_times_out_as_unavailable(fake: FakeGemini) -> None:
    model = GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=1)
    fake.script.then(hang())

    started = time.monotonic()
    with pytest.raises(ModelUnavailable) as raised:
        model.generate(rewrite_request(["Il pleut."]))

    assert time.monotonic() - started < 3
    assert "Timeout" in raised.value.message


def test_no_server_is_unavailable() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    model = GenaiModel(API_KEY, base_url=f"http://127.0.0.1:{port}", timeout_seconds=2)

    with pytest.raises(ModelUnavailable):
        model.generate(rewrite_request(["Il pleut."]))


def test_a_small_pdf_goes_inline(fake: FakeGemini, model: GenaiModel) -> None:
    got = model.generate(transcription_request(PDF))

    assert got.text == DEFAULT_TRANSCRIPTION
    [document] = fake.calls[0].documents
    assert document["inlineData"]["mimeType"] == "application/pdf"
    assert base64.urlsafe_b64decode(document["inlineData"]["data"]) == PDF  # the SDK's alphabet
    assert fake.uploads == []


def test_a_large_pdf_goes_through_the_files_api_and_is_deleted_after() -> None:
    with FakeGemini(processing_polls=1) as fake:
        model = GenaiModel(
            API_KEY, base_url=fake.url, timeout_seconds=5, inline_pdf_max_bytes=len(PDF) - 1
        )
        got = model.generate(transcription_request(PDF))

    assert got.text == DEFAULT_TRANSCRIPTION
    [upload] = fake.uploads
    assert (upload.data, upload.mime_type) == (PDF, "application/pdf")
    [document] = fake.calls[0].documents
    assert document["fileData"]["fileUri"].endswith(f"/{upload.name}")
    assert document["fileData"]["mimeType"] == "application/pdf"
    file_id = upload.name.removeprefix("files/")
    assert ("GET", f"/{fake.calls[0].api_version}/files/{file_id}") in fake.requests
    assert fake.requests[-1] == ("DELETE", f"/{fake.calls[0].api_version}/files/{file_id}")
    assert fake.files == []


def test_the_uploaded_pdf_is_deleted_when_the_call_fails() -> None:
    with FakeGemini() as fake:
        fake.script.then(http_error(503))
        model = GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=5, inline_pdf_max_bytes=1)
        with pytest.raises(ModelUnavailable):
            model.generate(transcription_request(PDF))

    assert len(fake.uploads) == 1
    assert fake.files == []


def test_concurrent_calls_run_in_parallel() -> None:
    texts = [f"Phrase numéro {n}, écrite pour voir si les appels vont ensemble." for n in range(8)]
    with FakeGemini(latency=1.0) as fake:
        model = GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=5)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda text: model.generate(rewrite_request([text])), texts))
        elapsed = time.monotonic() - started

    assert elapsed < 4
    assert len(fake.calls) == 8
    for text, got in zip(texts, answers, strict=True):
        assert json.loads(got.text) == rewrite([{"id": "p1", "text": text}], limit=6)
