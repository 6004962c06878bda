"""The fake Gemini server on a thread, and the real google-genai client pointed at it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from infra.fake_gemini import FakeGemini
from shared.adapters.genai_model import GenaiModel
from shared.gemini.ports import ModelRequest
from shared.gemini.prompt import RESPONSE_SCHEMA

API_KEY = "test-key-0123456789"
SCHEMA: Mapping[str, Any] = RESPONSE_SCHEMA  # the engine's own
LONG_SENTENCE = (
    "Il pleuvait sur la ville depuis le matin, et Marie, qui attendait sous le porche de "
    "la vieille église, regardait passer les voitures en pensant à son frère parti pour Paris."
)


def rewrite_request(texts: list[str], limit: int = 6, **overrides: Any) -> ModelRequest:
    """A request shaped like the engine's: items as a JSON array, the limit as LIMIT=N."""
    items = [{"id": f"p{i}", "text": text} for i, text in enumerate(texts, 1)]
    prompt = f"LIMIT={limit}\nItems:\n{json.dumps(items, ensure_ascii=False)}"
    fields: dict[str, Any] = {
        "system": "Tu découpes des phrases françaises.",
        "prompt": prompt,
        "max_output_tokens": 4096,
        "response_schema": SCHEMA,
    }
    return ModelRequest(**(fields | overrides))


@pytest.fixture(autouse=True)
def _no_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_GEMINI_BASE_URL", raising=False)


@pytest.fixture
def fake() -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        yield server


@pytest.fixture
def model(fake: FakeGemini) -> GenaiModel:
    return GenaiModel(API_KEY, base_url=fake.url, timeout_seconds=5)
