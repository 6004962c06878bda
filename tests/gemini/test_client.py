"""GenaiModel, the real google-genai client, against the fake Gemini REST API over HTTP."""

from __future__ import annotations

import base64
import io
import json
import logging
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfWriter

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
from infra.fake_gemini.catalogue import CATALOGUE
from infra.fake_gemini.outcomes import Outcome, Reply, error_body
from infra.fake_gemini.rewriter import rewrite, rewrite_prompt
from shared.adapters.genai_families import DEFAULT_API_VERSION, LEVEL_RESERVE, MINIMAL, family_of
from shared.adapters.genai_model import FixedKey, GenaiModel
from shared.domain.errors import (
    ModelKeyInvalid,
    ModelNotFound,
    ModelRateLimited,
    ModelRequestRejected,
    ModelUnavailable,
)
from shared.gemini.ports import DEFAULT_MODEL, ModelRequest, Usage
from tests.gemini.conftest import API_KEY, LONG_SENTENCE, SCHEMA, rewrite_request


def transcription_request(pdf: bytes) -> ModelRequest:
    return ModelRequest(
        system="Transcris le texte de ce livre.",
        prompt="Page 1 à 3.",
        max_output_tokens=8192,
        pdf=pdf,
    )


def error_with_reason(code: int, status: str, message: str, reason: str | None) -> Outcome:
    body = error_body(code, status, message)
    if reason is not None:
        body["error"]["details"] = [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}
        ]
    return Outcome(lambda _call, _text: Reply(code, body))


def test_structured_answer_and_the_request_google_receives(
    fake: FakeGemini, model: GenaiModel
) -> None:
    request = rewrite_request([LONG_SENTENCE], limit=6, temperature=0.3, thinking_budget=0)

    got = model.generate(request)

    assert json.loads(got.text) == rewrite([{"id": "p1", "text": LONG_SENTENCE}], limit=6)
    assert got.finish_reason == "STOP"
    assert not got.blocked
    [call] = fake.calls
    assert (call.model, call.api_version) == (DEFAULT_MODEL, DEFAULT_API_VERSION)
    assert call.api_key == API_KEY
    assert call.system == request.system
    assert call.prompt == request.prompt
    # The default model thinks by level and takes no custom temperature; its minimal
    # thinking gets room of its own beside the answer's.
    assert call.generation_config == {
        "maxOutputTokens": 4096 + LEVEL_RESERVE[MINIMAL],
        "thinkingConfig": {"thinkingLevel": MINIMAL},
        "responseMimeType": "application/json",
        "responseJsonSchema": SCHEMA,
    }


@pytest.mark.parametrize("name", sorted(CATALOGUE[DEFAULT_API_VERSION]))
def test_every_served_model_takes_the_request_its_family_gets(fake: FakeGemini, name: str) -> None:
    """The adapter's family table against the fake's rules, which follow Google's
    documentation: no 400, and thinking never eats the room the answer asked for."""
    model = GenaiModel(API_KEY, name, base_url=fake.url, timeout_seconds=5)
    answer_room = 4096

    got = model.generate(rewrite_request([LONG_SENTENCE], max_output_tokens=answer_room))

    assert got.finish_reason == "STOP"
    call = fake.calls[-1]
    assert call.max_output_tokens - call.thought_tokens >= answer_room
    assert ("temperature" in call.generation_config) == family_of(name).takes_temperature


def test_a_budget_only_model_gets_a_budget_and_thinking_off(fake: FakeGemini) -> None:
    model = GenaiModel(API_KEY, "gemini-2.5-flash-lite", base_url=fake.url, timeout_seconds=5)

    got = model.generate(rewrite_request(["Il pleut."], temperature=0.3))

    config = fake.calls[0].generation_config
    assert config["thinkingConfig"] == {"thinkingBudget": 0}
    assert (config["temperature"], config["maxOutputTokens"]) == (0.3, 4096)
    assert got.usage.thinking_tokens == 0


def test_a_thinking_budget_becomes_the_smallest_level_that_covers_it(fake: FakeGemini) -> None:
    model = GenaiModel(API_KEY, "gemini-3.8-flash", base_url=fake.url, timeout_seconds=5)

    model.generate(rewrite_request(["Il pleut."], thinking_budget=0))
    model.generate(rewrite_request(["Il pleut."], thinking_budget=LEVEL_RESERVE["LOW"] + 1))

    levels = [call.generation_config["thinkingConfig"] for call in fake.calls]
    assert levels == [{"thinkingLevel": "LOW"}, {"thinkingLevel": "MEDIUM"}]  # no MINIMAL on 3.8


@pytest.mark.parametrize("version", ["v1", "v1beta"])
def test_the_api_version_is_the_one_configured(fake: FakeGemini, version: str) -> None:
    model = GenaiModel(API_KEY, api_version=version, base_url=fake.url, timeout_seconds=5)

    model.generate(rewrite_request(["Il pleut."]))

    assert fake.calls[0].api_version == version


def test_the_models_metadata_is_read(fake: FakeGemini, model: GenaiModel) -> None:
    facts = model.describe()

    assert facts.name == f"models/{DEFAULT_MODEL}"
    served = CATALOGUE[DEFAULT_API_VERSION][DEFAULT_MODEL]
    assert (facts.input_tokens, facts.output_tokens) == (served.input_tokens, served.output_tokens)
    assert fake.requests[-1] == ("GET", f"/{DEFAULT_API_VERSION}/models/{DEFAULT_MODEL}")


@pytest.mark.parametrize("name", ["gemini-2.5-flash", "gemini-9-imaginary"])
def test_a_retired_or_unknown_model_is_not_found(fake: FakeGemini, name: str) -> None:
    model = GenaiModel(API_KEY, name, base_url=fake.url, timeout_seconds=5)

    with pytest.raises(ModelNotFound) as described:
        model.describe()
    with pytest.raises(ModelNotFound) as generated:
        model.generate(rewrite_request(["Il pleut."]))

    assert "FNT_GEMINI_MODEL" in described.value.message
    assert name in generated.value.message
    assert not generated.value.transient


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
    call = fake.calls[-1]
    assert got.usage == Usage(prompt_chars // 4, len(got.text) // 4, call.thought_tokens, 0)


def test_base_url_from_the_sdk_environment_variable(
    fake: FakeGemini, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)

    got = GenaiModel(API_KEY, timeout_seconds=5).generate(rewrite_request(["Il pleut."]))

    assert got.finish_reason == "STOP"
    assert len(fake.calls) == 1


def test_429_is_rate_limited_with_googles_delay_and_not_retried_by_the_sdk(
    fake: FakeGemini, model: GenaiModel
) -> None:
    fake.script.then(http_error(429))

    with pytest.raises(ModelRateLimited) as raised:
        model.generate(rewrite_request(["Il pleut."]))

    assert raised.value.transient
    assert "RESOURCE_EXHAUSTED" in raised.value.message
    assert raised.value.retry_after_seconds == 30  # the fake's RetryInfo
    assert len(fake.calls) == 1


@pytest.mark.parametrize("code", [500, 503, 504])
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
    assert secret_key not in str(raised.value.__cause__)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("SERVICE_DISABLED", ModelKeyInvalid),
        ("API_KEY_SERVICE_BLOCKED", ModelKeyInvalid),
        (None, ModelRequestRejected),  # e.g. the Files API's "no such file"
    ],
)
def test_a_403_is_a_bad_key_only_when_its_reason_says_so(
    fake: FakeGemini, model: GenaiModel, reason: str | None, expected: type[Exception]
) -> None:
    fake.script.then(error_with_reason(403, "PERMISSION_DENIED", "Not allowed.", reason))

    with pytest.raises(expected) as raised:
        model.generate(rewrite_request(["Il pleut."]))

    assert type(raised.value) is expected


def test_keys_are_redacted_from_messages_causes_and_logs(
    fake: FakeGemini, caplog: pytest.LogCaptureFixture
) -> None:
    google_key = "AIza" + "x" * 35
    message = f"Key {API_KEY} and {google_key} were reported as leaked."
    fake.script.then(error_with_reason(403, "PERMISSION_DENIED", message, "API_KEY_INVALID"))
    model = GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=5)

    with pytest.raises(ModelKeyInvalid) as raised:
        model.generate(rewrite_request(["Il pleut."]))
    logging.getLogger("test").error("chunk failed", exc_info=raised.value)

    for text in (raised.value.message, str(raised.value.__cause__), caplog.text):
        assert API_KEY not in text and google_key not in text, text
    assert "[redacted key]" in raised.value.message
    # The SDK's own exception is neither the cause nor the context: no log prints it.
    assert raised.value.__context__ is None
    assert raised.value.__cause__ is not None and raised.value.__cause__.__cause__ is None


class RotatingKeys:
    """A secret whose cached value is the old key until read again."""

    def __init__(self, cached: str, latest: str) -> None:
        self.cached, self.latest, self.reloads = cached, latest, 0

    def current(self) -> str | None:
        return self.cached

    def renewed(self) -> str | None:
        self.reloads += 1
        self.cached = self.latest
        return self.latest


def test_a_refused_key_is_read_again_once_and_the_new_version_used() -> None:
    keys = RotatingKeys("old-key", "new-key")
    with FakeGemini(valid_keys={"new-key"}) as fake:
        model = GenaiModel(keys, base_url=fake.url, timeout_seconds=5)
        first = model.generate(rewrite_request(["Il pleut."]))
        second = model.generate(rewrite_request(["Il neige."]))

    assert (first.finish_reason, second.finish_reason) == ("STOP", "STOP")
    assert keys.reloads == 1
    assert [call.api_key for call in fake.calls] == ["new-key", "new-key"]


def test_a_key_refused_again_after_reading_the_secret_fails() -> None:
    keys = RotatingKeys("old-key", "still-wrong")
    with FakeGemini(valid_keys={"new-key"}) as fake:
        model = GenaiModel(keys, base_url=fake.url, timeout_seconds=5)
        with pytest.raises(ModelKeyInvalid):
            model.generate(rewrite_request(["Il pleut."]))
        generate_requests = [r for r in fake.requests if r[1].endswith(":generateContent")]

    assert keys.reloads == 1
    assert len(generate_requests) == 2  # the cached key, then the newest: no loop


def test_an_unchanged_key_is_not_tried_twice() -> None:
    with FakeGemini(valid_keys={API_KEY}) as fake:
        model = GenaiModel(FixedKey("wrong"), base_url=fake.url, timeout_seconds=5)
        with pytest.raises(ModelKeyInvalid):
            model.generate(rewrite_request(["Il pleut."]))
        assert len(fake.requests) == 1


def test_no_key_at_all_is_refused_before_any_call(fake: FakeGemini) -> None:
    with pytest.raises(ModelKeyInvalid):
        GenaiModel("  ")
    with pytest.raises(ModelKeyInvalid):
        GenaiModel(FixedKey(" "), base_url=fake.url).generate(rewrite_request(["Il pleut."]))

    assert fake.requests == []


def test_fields_the_model_refuses_reject_the_request(fake: FakeGemini, model: GenaiModel) -> None:
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


def test_an_answer_longer_than_its_budget_stops_at_max_tokens(
    fake: FakeGemini, model: GenaiModel
) -> None:
    request = rewrite_request([LONG_SENTENCE] * 20, max_output_tokens=64)

    got = model.generate(request)

    assert got.finish_reason == "MAX_TOKENS"
    assert len(got.text) < len(rewrite_prompt(request.prompt))


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
    assert "Timeout" in raised.value.message or "DEADLINE_EXCEEDED" in raised.value.message


def test_no_server_is_unavailable() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    model = GenaiModel(API_KEY, base_url=f"http://127.0.0.1:{port}", timeout_seconds=2)

    with pytest.raises(ModelUnavailable):
        model.generate(rewrite_request(["Il pleut."]))


def two_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(300, 400)
    writer.add_blank_page(300, 400)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_small_pdf_goes_inline_and_costs_its_pages(fake: FakeGemini, model: GenaiModel) -> None:
    pdf = two_page_pdf()

    got = model.generate(transcription_request(pdf))

    assert got.text == "\n".join([DEFAULT_TRANSCRIPTION] * 2)
    [call] = fake.calls
    [document] = call.documents
    assert document["inlineData"]["mimeType"] == "application/pdf"
    assert base64.urlsafe_b64decode(document["inlineData"]["data"]) == pdf  # the SDK's alphabet
    assert call.document_pages == 2 and got.usage.prompt_tokens >= 2 * 258
    assert fake.uploads == []


def test_what_is_not_a_pdf_is_refused(fake: FakeGemini, model: GenaiModel) -> None:
    with pytest.raises(ModelRequestRejected) as raised:
        model.generate(transcription_request(b"not a pdf at all"))

    assert "no pages" in raised.value.message


def test_an_inline_pdf_over_the_request_limit_is_refused_and_the_files_api_is_not() -> None:
    pdf = two_page_pdf()
    with FakeGemini(request_limit_bytes=len(pdf)) as fake:  # base64 makes it larger
        inline = GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=5)
        with pytest.raises(ModelRequestRejected) as raised:
            inline.generate(transcription_request(pdf))
        uploaded = GenaiModel(
            API_KEY, base_url=fake.url, timeout_seconds=5, inline_pdf_max_bytes=len(pdf) // 2
        )
        got = uploaded.generate(transcription_request(pdf))

    assert "payload size exceeds the limit" in raised.value.message
    assert got.finish_reason == "STOP" and len(fake.uploads) == 1


def test_a_large_pdf_goes_through_the_files_api_and_is_deleted_after() -> None:
    pdf = two_page_pdf()
    with FakeGemini(processing_polls=1) as fake:
        model = GenaiModel(
            API_KEY, base_url=fake.url, timeout_seconds=5, inline_pdf_max_bytes=len(pdf) - 1
        )
        got = model.generate(transcription_request(pdf))

    assert got.text.startswith(DEFAULT_TRANSCRIPTION)
    [upload] = fake.uploads
    assert (upload.data, upload.mime_type) == (pdf, "application/pdf")
    [document] = fake.calls[0].documents
    assert document["fileData"]["fileUri"].endswith(f"/{upload.name}")
    assert document["fileData"]["mimeType"] == "application/pdf"
    assert fake.calls[0].document_pages == 2
    file_id = upload.name.removeprefix("files/")
    assert ("GET", f"/{fake.calls[0].api_version}/files/{file_id}") in fake.requests
    assert fake.requests[-1] == ("DELETE", f"/{fake.calls[0].api_version}/files/{file_id}")
    assert fake.files == []


def test_the_uploaded_pdf_is_deleted_when_the_call_fails() -> None:
    with FakeGemini() as fake:
        fake.script.then(http_error(503))
        model = GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=5, inline_pdf_max_bytes=1)
        with pytest.raises(ModelUnavailable):
            model.generate(transcription_request(two_page_pdf()))

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
