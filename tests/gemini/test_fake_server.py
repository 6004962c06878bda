"""The fake Gemini server itself: its rewriter, its scripting, its HTTP surface, its CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import httpx
import pytest

from infra.fake_gemini import (
    READY_LINE,
    FakeGemini,
    GenerateCall,
    Outcome,
    answer_with,
    http_error,
    latency,
)
from infra.fake_gemini.catalogue import find_model
from infra.fake_gemini.rewriter import find_items, find_limit, rewrite, split_sentence, words
from shared.adapters.genai_model import GenaiModel
from shared.domain.errors import ModelRateLimited, ModelUnavailable
from shared.gemini.ports import DEFAULT_MODEL
from tests.gemini.conftest import API_KEY, LONG_SENTENCE, rewrite_request

SENTENCES = [
    LONG_SENTENCE,
    "« Viens-tu avec nous ? » demanda-t-elle doucement à l'enfant qui jouait dans la cour.",
    "Elle attendait, immobile, que le jour se lève enfin sur les toits de la ville endormie.",
    "Le vieux marchand de tapis, dont la boutique donnait sur la place du marché depuis plus "
    "de quarante ans ; avait vu passer trois guerres : il en parlait peu mais il n'oubliait rien.",
    "Court.",
]


def _normalised(text: str) -> list[str]:
    return [re.sub(r"^\W+|\W+$", "", word).lower() for word in words(text)]


@pytest.mark.parametrize("limit", [3, 5, 8, 12])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_rewriter_pieces_keep_the_limit_and_every_word_in_order(sentence: str, limit: int) -> None:
    pieces = split_sentence(sentence, limit)

    assert all(1 <= len(words(piece)) <= limit for piece in pieces)
    assert _normalised(" ".join(pieces)) == _normalised(sentence)
    assert all(piece[0].isupper() or not piece[0].isalpha() for piece in pieces)
    assert all(piece.endswith((".", "?", "!")) for piece in pieces)


def test_rewriter_cuts_at_clauses_where_they_fit() -> None:
    assert split_sentence("Elle attendait, immobile, que le jour se lève enfin.", 6) == [
        "Elle attendait, immobile.",
        "Que le jour se lève enfin.",
    ]


def test_rewriter_finds_the_items_array_and_the_limit_in_the_prompt() -> None:
    prompt = 'Règles [1, 2] puis LIMIT=4 et les items : [{"id": "a", "text": "Il pleut fort."}] fin'

    assert find_items(prompt) == [{"id": "a", "text": "Il pleut fort."}]
    assert find_limit(prompt) == 4
    assert find_limit("no limit stated") == 8
    assert find_items("no items [here]") is None


def test_a_failure_once_per_matching_prompt_then_the_retry_passes(fake: FakeGemini) -> None:
    model = GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=5)
    fake.script.when(lambda call: "orage" in call.prompt, http_error(429), times=1, per_prompt=True)
    stormy = [rewrite_request(["Un orage éclata."]), rewrite_request(["Puis un autre orage."])]

    for request in stormy:
        with pytest.raises(ModelRateLimited):
            model.generate(request)
        assert model.generate(request).finish_reason == "STOP"
    assert model.generate(rewrite_request(["Il fait beau."])).finish_reason == "STOP"
    assert len(fake.calls) == 5


def test_queued_outcomes_are_consumed_in_call_order_then_the_default(fake: FakeGemini) -> None:
    model = GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=5)
    fake.script.then(http_error(503), http_error(429))
    request = rewrite_request(["Il pleut."])

    with pytest.raises(ModelUnavailable):
        model.generate(request)
    with pytest.raises(ModelRateLimited):
        model.generate(request)
    assert model.generate(request).finish_reason == "STOP"


def test_a_function_as_behaviour() -> None:
    def behaviour(call: GenerateCall) -> Outcome | None:
        return http_error(503) if "panne" in call.prompt else None

    with FakeGemini(behaviour=behaviour) as fake:
        model = GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=5)
        with pytest.raises(ModelUnavailable):
            model.generate(rewrite_request(["Une panne de courant."]))
        assert model.generate(rewrite_request(["La lumière revint."])).finish_reason == "STOP"


def test_latency_delays_the_answer(fake: FakeGemini, model: GenaiModel) -> None:
    fake.script.then(latency(0.5))

    started = time.monotonic()
    model.generate(rewrite_request(["Il pleut."]))

    assert time.monotonic() - started >= 0.5


def test_a_spoiled_answer_built_from_the_rewriter(fake: FakeGemini, model: GenaiModel) -> None:
    def over_the_limit_with_an_invented_word(call: GenerateCall) -> str:
        answers = rewrite(call.items, call.limit)
        answers[0]["sentences"][0] += " Inventé et beaucoup trop long pour la limite."
        return json.dumps(answers, ensure_ascii=False)

    fake.script.then(answer_with(over_the_limit_with_an_invented_word))

    got = json.loads(model.generate(rewrite_request([LONG_SENTENCE], limit=5)).text)

    assert "Inventé" in got[0]["sentences"][0]
    assert len(words(got[0]["sentences"][0])) > 5


def test_the_api_key_is_checked_like_google_does() -> None:
    path = f"/v1beta/models/{DEFAULT_MODEL}:generateContent"
    body = {"contents": [{"role": "user", "parts": [{"text": "Bonjour."}]}]}
    with FakeGemini(valid_keys={API_KEY}) as fake:
        missing = httpx.post(fake.url + path, json=body)
        wrong = httpx.post(fake.url + path, json=body, headers={"x-goog-api-key": "nope"})
        in_query = httpx.post(f"{fake.url}{path}?key={API_KEY}", json=body)
        unknown = httpx.get(
            fake.url + "/v1beta/cachedContents", headers={"x-goog-api-key": API_KEY}
        )

    assert (missing.status_code, missing.json()["error"]["status"]) == (403, "PERMISSION_DENIED")
    error = wrong.json()["error"]
    assert (wrong.status_code, error["status"]) == (400, "INVALID_ARGUMENT")
    assert error["message"] == "API key not valid. Please pass a valid API key."
    assert error["details"][0]["reason"] == "API_KEY_INVALID"
    assert in_query.status_code == 200
    assert in_query.json()["candidates"][0]["finishReason"] == "STOP"
    assert unknown.status_code == 404


def test_runs_as_its_own_process() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.fake_gemini", "--port", "0", "--latency", "0.1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready = process.stdout.readline()
        assert ready.startswith(READY_LINE)
        url = ready.split()[-1]
        got = GenaiModel(API_KEY, base_url=url, timeout_seconds=5).generate(
            rewrite_request(["Il pleut."])
        )
        assert got.finish_reason == "STOP"
    finally:
        process.terminate()
        process.wait(timeout=5)  # SIGTERM stops it


# ------------------------------------------------------------- as strict as the API


def generate(
    fake: FakeGemini, model: str, body: dict[str, object], **headers: str
) -> httpx.Response:
    return httpx.post(
        f"{fake.url}/v1beta/models/{model}:generateContent",
        json=body,
        headers={"x-goog-api-key": API_KEY, **headers},
        timeout=10,
    )


def text_body(text: str = "Bonjour.", **config: object) -> dict[str, object]:
    body: dict[str, object] = {"contents": [{"role": "user", "parts": [{"text": text}]}]}
    return body | ({"generationConfig": config} if config else {})


def test_models_are_served_per_api_version_and_others_are_not_found(fake: FakeGemini) -> None:
    def get(path: str) -> httpx.Response:
        return httpx.get(fake.url + path, headers={"x-goog-api-key": API_KEY})

    listed = get("/v1beta/models").json()["models"]
    one = get(f"/v1/models/{DEFAULT_MODEL}").json()
    retired = get("/v1beta/models/gemini-2.5-flash")
    other_version = get(f"/v1alpha/models/{DEFAULT_MODEL}")
    generate_retired = generate(fake, "gemini-2.5-pro", text_body())

    assert f"models/{DEFAULT_MODEL}" in {model["name"] for model in listed}
    assert one["outputTokenLimit"] > 0 and "generateContent" in one["supportedGenerationMethods"]
    assert retired.status_code == other_version.status_code == 404
    assert generate_retired.status_code == 404
    assert "is not found for API version v1beta" in generate_retired.json()["error"]["message"]


@pytest.mark.parametrize(
    ("model", "config", "refusal"),
    [
        (DEFAULT_MODEL, {"thinkingFormat": 1}, 'Unknown name "thinkingFormat"'),
        (
            DEFAULT_MODEL,
            {"thinkingConfig": {"thinkingBudget": 0, "thinkingLevel": "LOW"}},
            "together",
        ),
        ("gemini-3.8-flash", {"thinkingConfig": {"thinkingLevel": "MINIMAL"}}, "not supported"),
        ("gemini-2.5-flash-lite", {"thinkingConfig": {"thinkingLevel": "LOW"}}, "not supported"),
        ("gemini-2.5-flash-lite", {"thinkingConfig": {"thinkingBudget": 100}}, "invalid"),
        (DEFAULT_MODEL, {"responseJsonSchema": {"type": "string"}}, "application/json"),
        (DEFAULT_MODEL, {"maxOutputTokens": 1_000_000}, "max_output_tokens"),
    ],
)
def test_fields_the_model_does_not_accept_are_400(
    fake: FakeGemini, model: str, config: dict[str, object], refusal: str
) -> None:
    got = generate(fake, model, text_body(**config))

    assert got.status_code == 400, got.text
    assert got.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert refusal in got.json()["error"]["message"]
    assert fake.calls == []


def test_an_unknown_request_field_is_400(fake: FakeGemini) -> None:
    got = generate(fake, DEFAULT_MODEL, text_body() | {"safetySetting": []})

    assert got.status_code == 400
    assert 'Unknown name "safetySetting"' in got.json()["error"]["message"]


def test_a_budget_of_zero_does_not_turn_a_level_models_thinking_off(fake: FakeGemini) -> None:
    """The failure mode of Gemini 3: thoughts spend the output budget, no text is left."""
    config = {"thinkingConfig": {"thinkingBudget": 0}, "maxOutputTokens": 200}

    got = generate(fake, "gemini-3.8-flash", text_body(**config)).json()

    [candidate] = got["candidates"]
    assert candidate["finishReason"] == "MAX_TOKENS"
    assert "content" not in candidate
    assert got["usageMetadata"]["thoughtsTokenCount"] > 200


def test_the_server_timeout_header_ends_a_slow_call_with_504() -> None:
    with FakeGemini(latency=5.0) as fake:
        started = time.monotonic()
        got = generate(fake, DEFAULT_MODEL, text_body(), **{"X-Server-Timeout": "1"})
        elapsed = time.monotonic() - started

    assert got.status_code == 504
    assert got.json()["error"]["status"] == "DEADLINE_EXCEEDED"
    assert 0.9 < elapsed < 3


def test_a_prompt_over_the_models_input_limit_is_400(fake: FakeGemini) -> None:
    model = find_model("v1beta", DEFAULT_MODEL)
    assert model is not None
    words = model.input_tokens  # a word and its space are about 1.25 tokens

    got = generate(fake, DEFAULT_MODEL, text_body("mots " * words))

    assert got.status_code == 400
    assert "exceeds the maximum number of tokens" in got.json()["error"]["message"]
