"""What the Gemini engine needs from outside: a model (one request in, one answer or a
typed `ModelError` out) and a cache of accepted answers.

`shared/adapters/genai_model.py` implements the model with google-genai (tests drive it
against a local fake of the Gemini REST API); `shared/adapters/firestore_cache.py` the cache.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

# Generally available, Google's named successor of gemini-2.5-flash (shut down 2026-12-01),
# thinking at its minimal level unless asked: README, Engines, says how to change it.
DEFAULT_MODEL = "gemini-3.5-flash-lite"
# A PDF above this goes through the Files API: inline data is base64 (4/3 larger) and a
# request must stay under 20 MB.
INLINE_PDF_MAX_BYTES = 14 * 1000 * 1000


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens of one call, from the answer's usage metadata (0 when absent)."""

    prompt_tokens: int = 0
    output_tokens: int = 0  # candidates' tokens
    thinking_tokens: int = 0
    cached_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.output_tokens + other.output_tokens,
            self.thinking_tokens + other.thinking_tokens,
            self.cached_tokens + other.cached_tokens,
        )


@dataclass(frozen=True, slots=True)
class ModelRequest:
    system: str  # the system instruction
    prompt: str  # the user turn, text
    max_output_tokens: int
    response_schema: Mapping[str, Any] | None = None  # JSON schema: asks for JSON output
    temperature: float = 0.2
    # The most thought tokens wanted; 0: as little thinking as the model allows (the
    # adapter turns this into the model family's own control, budget or level).
    thinking_budget: int = 0
    pdf: bytes | None = None  # a document to read along with the prompt (a scanned book)


@dataclass(frozen=True, slots=True)
class ModelAnswer:
    """The first candidate's text, why it stopped, and what the call cost.

    `finish_reason` is Gemini's: "STOP", "MAX_TOKENS", "SAFETY", "RECITATION",
    "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "MALFORMED_FUNCTION_CALL", "OTHER"...,
    or "PROMPT_BLOCKED" when the prompt itself was blocked (no candidate).
    """

    text: str
    finish_reason: str
    usage: Usage = field(default_factory=Usage)

    @property
    def blocked(self) -> bool:
        return self.finish_reason in BLOCK_REASONS


BLOCK_REASONS = frozenset(
    {"SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "PROMPT_BLOCKED"}
)


class TextModel(Protocol):
    @property
    def model_name(self) -> str: ...

    def generate(self, request: ModelRequest) -> ModelAnswer:
        """One call; raises a ModelError subclass when no answer comes."""
        ...


class RewriteCache(Protocol):
    def get_many(self, keys: Sequence[str]) -> dict[str, list[str]]:
        """The cached rewrites among `keys` (missing ones are left out)."""
        ...

    def put_many(self, entries: Mapping[str, Sequence[str]]) -> None: ...
