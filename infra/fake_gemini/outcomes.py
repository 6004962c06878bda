"""What the fake answers to one generateContent call, and how tests script it.

A `Behaviour` maps the recorded call to an `Outcome` (None: the default answer). `Script`
is the usual one: outcomes by predicate, then a queue consumed in call order. The
response bodies follow the Gemini REST API's JSON shapes, errors included.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from infra.fake_gemini import rewriter
from infra.fake_gemini.rules import CHARS_PER_TOKEN

# Google's status name and message for the HTTP errors a test is likely to script.
_ERRORS: dict[int, tuple[str, str]] = {
    400: ("INVALID_ARGUMENT", "Request contains an invalid argument."),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: (
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
    ),
    500: ("INTERNAL", "An internal error has occurred. Please retry or report the problem."),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
    504: ("DEADLINE_EXCEEDED", "Deadline expired before operation could complete."),
}


# Keys whose values are the caller's JSON schemas, kept as sent.
_VERBATIM = frozenset({"responseJsonSchema", "responseSchema"})


@dataclass(frozen=True, slots=True)
class GenerateCall:
    """One generateContent request as the fake received it."""

    model: str
    api_version: str
    # The request JSON with field names in lowerCamelCase, as the API reads them whichever
    # way they were sent (the SDK sends some in snake_case: thinking_budget, mime_type...).
    body: dict[str, Any]
    api_key: str
    received_at: float  # time.monotonic()
    prompt_tokens: int = 0  # text and document pages, as Google counts them
    thought_tokens: int = 0  # what the model spends thinking before it answers
    max_output_tokens: int = 65_536  # thoughts and answer together
    document_pages: int = 0

    @property
    def system(self) -> str:
        return _text_of(self.body.get("systemInstruction", {}).get("parts", []))

    @property
    def prompt(self) -> str:
        """The text parts of the user turns."""
        return "".join(_text_of(content.get("parts", [])) for content in self._contents)

    @property
    def generation_config(self) -> dict[str, Any]:
        config: dict[str, Any] = self.body.get("generationConfig", {})
        return config

    @property
    def documents(self) -> list[dict[str, Any]]:
        """The `inlineData` and `fileData` parts (a PDF to transcribe)."""
        parts = (part for content in self._contents for part in content.get("parts", []))
        return [part for part in parts if "inlineData" in part or "fileData" in part]

    @property
    def items(self) -> list[dict[str, Any]]:
        return rewriter.find_items(self.prompt) or []

    @property
    def limit(self) -> int:
        return rewriter.find_limit(self.prompt)

    @property
    def _contents(self) -> list[dict[str, Any]]:
        contents: list[dict[str, Any]] = self.body.get("contents", [])
        return contents


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: dict[str, Any]


# Builds the reply from the call and the text the fake would answer by default.
ReplyMaker = Callable[[GenerateCall, str], Reply]


@dataclass(frozen=True, slots=True)
class Outcome:
    reply: ReplyMaker | None  # None: never answer (hang until the server stops)
    delay: float = 0.0


Behaviour = Callable[[GenerateCall], Outcome | None]


def default() -> Outcome:
    """The rewriter's answer, or the transcription for a request with a PDF."""
    return Outcome(lambda call, text: ok(call, text))


def answer(text: str, *, usage: Mapping[str, int] | None = None) -> Outcome:
    return Outcome(lambda call, _: ok(call, text, usage=usage))


def answer_with(make_text: Callable[[GenerateCall], str]) -> Outcome:
    """An answer computed from the request (e.g. the rewriter's, then spoiled)."""
    return Outcome(lambda call, _: ok(call, make_text(call)))


def latency(seconds: float, outcome: Outcome | None = None) -> Outcome:
    """`outcome` (the default answer if None), `seconds` later."""
    base = outcome or default()
    return replace(base, delay=base.delay + seconds)


def http_error(code: int, status: str | None = None, message: str | None = None) -> Outcome:
    known_status, known_message = _ERRORS.get(code, ("UNKNOWN", "Error."))
    body = error_body(code, status or known_status, message or known_message)
    if code == 429:
        body["error"]["details"] = [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "30s"}
        ]
    return Outcome(lambda _call, _text: Reply(code, body))


def blocked(reason: str = "SAFETY", text: str = "") -> Outcome:
    """A candidate stopped for `reason` ("RECITATION", "SAFETY"...), with no or partial text."""
    return Outcome(lambda call, _: ok(call, text, finish_reason=reason))


def prompt_blocked(reason: str = "SAFETY") -> Outcome:
    """The prompt itself was blocked: promptFeedback.blockReason and no candidate."""

    def reply(call: GenerateCall, _text: str) -> Reply:
        return Reply(200, {"promptFeedback": {"blockReason": reason}, **_meta(call, "")})

    return Outcome(reply)


def max_tokens(truncate_at: int) -> Outcome:
    """The default answer cut after `truncate_at` characters, finishReason MAX_TOKENS."""
    return Outcome(lambda call, text: ok(call, text[:truncate_at], finish_reason="MAX_TOKENS"))


def bad_json() -> Outcome:
    """The default answer made unparsable: its closing bracket replaced by a stray comma."""
    return Outcome(lambda call, text: ok(call, text.rstrip().removesuffix("]") + ","))


def hang() -> Outcome:
    return Outcome(None)


def ok(
    call: GenerateCall,
    text: str,
    *,
    finish_reason: str = "STOP",
    usage: Mapping[str, int] | None = None,
) -> Reply:
    """A candidate with `text`, after the call's thinking: if thoughts and text together
    pass maxOutputTokens, the text is cut there and the answer stops at MAX_TOKENS."""
    room = max(0, call.max_output_tokens - call.thought_tokens) * CHARS_PER_TOKEN
    if len(text) > room:
        text, finish_reason = text[:room], "MAX_TOKENS"
    candidate: dict[str, Any] = {"finishReason": finish_reason, "index": 0}
    if text:
        candidate["content"] = {"parts": [{"text": text}], "role": "model"}
    return Reply(200, {"candidates": [candidate], **_meta(call, text, usage)})


def error_body(code: int, status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


@dataclass
class _Rule:
    predicate: Callable[[GenerateCall], bool]
    outcome: Outcome
    times: int | None  # None: every match
    per_prompt: bool
    fired: dict[str, int] = field(default_factory=dict)  # by prompt, or "" for all


class Script:
    """A Behaviour: rules by predicate first, then queued outcomes in call order, then None."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Outcome] = deque()
        self._rules: list[_Rule] = []

    def then(self, *outcomes: Outcome) -> Script:
        """The next calls (not caught by a rule) get these outcomes, one each, in order."""
        with self._lock:
            self._queue.extend(outcomes)
        return self

    def when(
        self,
        predicate: Callable[[GenerateCall], bool],
        outcome: Outcome,
        *,
        times: int | None = None,
        per_prompt: bool = False,
    ) -> Script:
        """Matching calls get `outcome`, `times` times in all, or for each prompt if
        `per_prompt` (e.g. every batch containing X fails once, and its retry passes)."""
        with self._lock:
            self._rules.append(_Rule(predicate, outcome, times, per_prompt))
        return self

    def __call__(self, call: GenerateCall) -> Outcome | None:
        with self._lock:
            for rule in self._rules:
                key = call.prompt if rule.per_prompt else ""
                if (rule.times is None or rule.fired.get(key, 0) < rule.times) and rule.predicate(
                    call
                ):
                    rule.fired[key] = rule.fired.get(key, 0) + 1
                    return rule.outcome
            return self._queue.popleft() if self._queue else None


def _meta(call: GenerateCall, text: str, usage: Mapping[str, int] | None = None) -> dict[str, Any]:
    """usageMetadata (about four characters a token, 258 a PDF page) and the model version."""
    output_tokens = len(text) // CHARS_PER_TOKEN
    counts = {
        "promptTokenCount": call.prompt_tokens,
        "candidatesTokenCount": output_tokens,
        "thoughtsTokenCount": call.thought_tokens,
        "totalTokenCount": call.prompt_tokens + call.thought_tokens + output_tokens,
        **(usage or {}),
    }
    return {"usageMetadata": counts, "modelVersion": call.model, "responseId": "fake-response"}


def camel_keys(value: Any) -> Any:
    """`value` with every object key in lowerCamelCase, except inside schemas (user data)."""
    if isinstance(value, list):
        return [camel_keys(item) for item in value]
    if not isinstance(value, dict):
        return value
    renamed = {_camel(key): item for key, item in value.items()}
    return {key: item if key in _VERBATIM else camel_keys(item) for key, item in renamed.items()}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _text_of(parts: list[dict[str, Any]]) -> str:
    return "".join(part.get("text", "") for part in parts)
