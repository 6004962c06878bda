"""A local, scriptable fake of the Gemini REST API (see server.py)."""

from infra.fake_gemini.outcomes import (
    Behaviour,
    GenerateCall,
    Outcome,
    Reply,
    Script,
    answer,
    answer_with,
    bad_json,
    blocked,
    default,
    hang,
    http_error,
    latency,
    max_tokens,
    prompt_blocked,
)
from infra.fake_gemini.server import DEFAULT_TRANSCRIPTION, READY_LINE, FakeGemini, UploadedFile

__all__ = [
    "DEFAULT_TRANSCRIPTION",
    "READY_LINE",
    "Behaviour",
    "FakeGemini",
    "GenerateCall",
    "Outcome",
    "Reply",
    "Script",
    "UploadedFile",
    "answer",
    "answer_with",
    "bad_json",
    "blocked",
    "default",
    "hang",
    "http_error",
    "latency",
    "max_tokens",
    "prompt_blocked",
]
