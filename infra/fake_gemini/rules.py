"""What the fake refuses in a generateContent request, as Google's API does, and what a
request costs in input tokens.

Google parses a request against its schema: a field it does not know is a 400
"Invalid JSON payload received. Unknown name ...", whichever model is asked. A request
body over 20 MB is refused (larger documents go through the Files API). A PDF page
counts 258 tokens. The field lists are GenerateContentRequest's, GenerationConfig's and
ThinkingConfig's in the REST reference.
"""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from infra.fake_gemini.catalogue import FakeModel

REQUEST_LIMIT_BYTES = 20 * 1024 * 1024
TOKENS_PER_PAGE = 258
CHARS_PER_TOKEN = 4

REQUEST_FIELDS = frozenset(
    {
        "model",
        "contents",
        "tools",
        "toolConfig",
        "safetySettings",
        "systemInstruction",
        "generationConfig",
        "cachedContent",
    }
)
GENERATION_FIELDS = frozenset(
    {
        "stopSequences",
        "responseMimeType",
        "responseSchema",
        "responseJsonSchema",
        "responseModalities",
        "candidateCount",
        "maxOutputTokens",
        "temperature",
        "topP",
        "topK",
        "seed",
        "presencePenalty",
        "frequencyPenalty",
        "responseLogprobs",
        "logprobs",
        "enableEnhancedCivicAnswers",
        "speechConfig",
        "thinkingConfig",
        "imageConfig",
        "mediaResolution",
    }
)
THINKING_FIELDS = frozenset({"includeThoughts", "thinkingBudget", "thinkingLevel"})


def refusal(model: FakeModel, body: dict[str, Any]) -> str | None:
    """Why Google would answer 400 to this request body (keys in lowerCamelCase), or None."""
    unknown = _unknown(body, REQUEST_FIELDS, "")
    config = body.get("generationConfig", {})
    unknown = unknown or _unknown(config, GENERATION_FIELDS, "generation_config")
    thinking = config.get("thinkingConfig", {})
    unknown = unknown or _unknown(thinking, THINKING_FIELDS, "generation_config.thinking_config")
    if unknown:
        return unknown
    if "responseJsonSchema" in config and "responseSchema" in config:
        return "response_schema must not be set when response_json_schema is set."
    schema = "responseJsonSchema" in config or "responseSchema" in config
    if schema and config.get("responseMimeType") != "application/json":
        return "A response schema needs responseMimeType application/json."
    limit = config.get("maxOutputTokens")
    if limit is not None and not 1 <= int(limit) <= model.output_tokens:
        return f"max_output_tokens must be from 1 to {model.output_tokens} for {model.name}."
    return model.thinking_error(thinking)


def pdf_pages(data: bytes) -> int | None:
    """Pages of a PDF, or None when the bytes are not a readable one."""
    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages)
    except (PyPdfError, ValueError, OSError):
        return None


def inline_bytes(part: dict[str, Any]) -> bytes | None:
    """An inlineData part's bytes (the SDK sends URL-safe base64), None if not base64."""
    data = str(part.get("inlineData", {}).get("data", ""))
    try:
        return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return None


def text_tokens(*texts: str) -> int:
    return sum(len(text) for text in texts) // CHARS_PER_TOKEN


def _unknown(fields: dict[str, Any], known: frozenset[str], where: str) -> str | None:
    for name in fields:
        if name not in known:
            at = f" at '{where}'" if where else ""
            return f'Invalid JSON payload received. Unknown name "{name}"{at}: Cannot find field.'
    return None
