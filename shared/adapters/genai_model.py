"""The TextModel port on the official google-genai SDK (Gemini Developer API, API key).

One call is one HTTP request: the SDK's own retries stay off, since the task queue
retries whatever this raises as retryable. The API version is set explicitly (the SDK's
default changed between releases); the request's generation settings follow the model's
family (`genai_families.py`). The key comes from `ApiKeys`: a key Gemini refuses is read
again once from its source, so a rotated secret takes effect without a redeploy. A base
URL (the argument, else the SDK's GOOGLE_GEMINI_BASE_URL variable) points it at a local
fake of the REST API.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from google import genai
from google.genai import types

from shared.adapters.genai_errors import CALL_ERRORS, described, model_error
from shared.adapters.genai_families import DEFAULT_API_VERSION, family_of, request_settings
from shared.domain.errors import (
    ModelKeyInvalid,
    ModelNotFound,
    ModelRequestRejected,
    ModelUnavailable,
)
from shared.gemini.ports import (
    DEFAULT_MODEL,
    INLINE_PDF_MAX_BYTES,
    ModelAnswer,
    ModelRequest,
    Usage,
)

_log = logging.getLogger(__name__)

_PDF = "application/pdf"
_FILE_POLL_SECONDS = 1.0
_T = TypeVar("_T")


class ApiKeys(Protocol):
    def current(self) -> str | None:
        """The key to use now (possibly cached); None when none is configured."""
        ...

    def renewed(self) -> str | None:
        """The key read again from its source, past any cache."""
        ...


@dataclass(frozen=True, slots=True)
class FixedKey:
    """A key given once (the local command, tests)."""

    key: str

    def current(self) -> str | None:
        return self.key.strip() or None

    def renewed(self) -> str | None:
        return self.current()


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """What Gemini says of a model (models.get)."""

    name: str
    input_tokens: int | None
    output_tokens: int | None
    thinking: bool | None


class GenaiModel:
    def __init__(
        self,
        keys: ApiKeys | str,
        model_name: str = DEFAULT_MODEL,
        *,
        api_version: str = DEFAULT_API_VERSION,
        timeout_seconds: float = 120.0,
        base_url: str | None = None,
        inline_pdf_max_bytes: int = INLINE_PDF_MAX_BYTES,
    ) -> None:
        if isinstance(keys, str):
            if not keys.strip():
                # The SDK would fall back to GEMINI_API_KEY / GOOGLE_API_KEY: be explicit.
                raise ModelKeyInvalid("No Gemini API key is configured.")
            keys = FixedKey(keys)
        self._keys = keys
        self._model_name = model_name
        self._family = family_of(model_name)
        self._api_version = api_version
        self._timeout_seconds = timeout_seconds
        self._base_url = base_url
        self._inline_pdf_max_bytes = inline_pdf_max_bytes
        self._lock = threading.Lock()
        self._clients = threading.local()  # each thread's (key, client)
        self._keys_seen: set[str] = set()  # redacted from every error

    @property
    def model_name(self) -> str:
        return self._model_name

    def generate(self, request: ModelRequest) -> ModelAnswer:
        return self._with_key(lambda client: self._generate(client, request))

    def describe(self, timeout_seconds: float = 10.0) -> ModelFacts:
        """Gemini's metadata of the configured model; ModelNotFound if it has none."""
        quick = types.GetModelConfig(
            http_options=types.HttpOptions(timeout=round(timeout_seconds * 1000))
        )
        model = self._with_key(
            lambda client: client.models.get(model=self._model_name, config=quick)
        )
        actions = model.supported_actions or []
        if actions and "generateContent" not in actions:
            raise ModelNotFound(f"The Gemini model {self._model_name!r} does not generate text.")
        return ModelFacts(
            model.name or self._model_name,
            model.input_token_limit,
            model.output_token_limit,
            model.thinking,
        )

    def _with_key(self, call: Callable[[genai.Client], _T]) -> _T:
        """`call` with the current key; a refused key is read again once, then tried once."""
        key = self._keys.current()
        if key is None:
            raise ModelKeyInvalid("No Gemini API key is configured.")
        try:
            return self._call(key, call)
        except ModelKeyInvalid:
            fresh = self._keys.renewed()
            if fresh is None or fresh == key:
                raise
            _log.warning("Gemini refused the API key; trying the secret's newest version once")
            return self._call(fresh, call)

    def _call(self, key: str, call: Callable[[genai.Client], _T]) -> _T:
        try:
            return call(self._client_for(key))
        except CALL_ERRORS as exc:
            failure = exc
        # Raised outside the handler: the SDK's exception is not kept as the context.
        keys = self._known_keys()
        raise model_error(failure, keys, self._model_name, self._api_version) from described(
            failure, keys
        )

    def _client_for(self, key: str) -> genai.Client:
        """This thread's client for `key`: calls run several at once (a chunk's batches,
        requests served in threads), and one SDK client shared by threads has been seen
        to mix two requests' bytes on one connection."""
        held: tuple[str, genai.Client] | None = getattr(self._clients, "held", None)
        if held is None or held[0] != key:
            with self._lock:
                self._keys_seen.add(key)
            client = genai.Client(
                vertexai=False,
                api_key=key,
                # base_url None leaves the SDK to GOOGLE_GEMINI_BASE_URL, then Google.
                http_options=types.HttpOptions(
                    api_version=self._api_version,
                    timeout=round(self._timeout_seconds * 1000),
                    base_url=self._base_url,
                ),
            )
            held = (key, client)
            self._clients.held = held
        return held[1]

    def _known_keys(self) -> list[str]:
        with self._lock:
            return list(self._keys_seen)

    def _generate(self, client: genai.Client, request: ModelRequest) -> ModelAnswer:
        if request.pdf is None:
            return self._generate_with(client, request, [])
        if len(request.pdf) <= self._inline_pdf_max_bytes:
            part = types.Part.from_bytes(data=request.pdf, mime_type=_PDF)
            return self._generate_with(client, request, [part])
        return self._generate_with_upload(client, request, request.pdf)

    def _generate_with_upload(
        self, client: genai.Client, request: ModelRequest, pdf: bytes
    ) -> ModelAnswer:
        """Through the Files API, for a PDF too large to go inline; the file is deleted after."""
        uploaded = client.files.upload(
            file=io.BytesIO(pdf), config=types.UploadFileConfig(mime_type=_PDF)
        )
        try:
            file = self._wait_until_active(client, uploaded)
            part = types.Part.from_uri(file_uri=file.uri or "", mime_type=_PDF)
            return self._generate_with(client, request, [part])
        finally:
            self._delete_quietly(client, uploaded)

    def _wait_until_active(self, client: genai.Client, file: types.File) -> types.File:
        deadline = time.monotonic() + self._timeout_seconds
        while file.state == types.FileState.PROCESSING:
            if time.monotonic() > deadline:
                raise ModelUnavailable("Gemini is still processing the uploaded PDF.")
            time.sleep(_FILE_POLL_SECONDS)
            file = client.files.get(name=file.name or "")
        if file.state == types.FileState.FAILED:
            raise ModelRequestRejected("Gemini could not process the uploaded PDF.")
        return file

    def _delete_quietly(self, client: genai.Client, file: types.File) -> None:
        """Best effort: an undeleted upload expires by itself after 48 hours."""
        try:
            client.files.delete(name=file.name or "")
        except CALL_ERRORS as exc:
            _log.warning("Could not delete the uploaded PDF %s: %s", file.name, type(exc).__name__)

    def _generate_with(
        self, client: genai.Client, request: ModelRequest, documents: list[types.Part]
    ) -> ModelAnswer:
        response = client.models.generate_content(
            model=self._model_name,
            contents=types.Content(
                role="user", parts=[*documents, types.Part.from_text(text=request.prompt)]
            ),
            config=self._config(request),
        )
        return _answer(response)

    def _config(self, request: ModelRequest) -> types.GenerateContentConfig:
        settings = request_settings(self._family, request)
        schema = request.response_schema
        return types.GenerateContentConfig(
            system_instruction=request.system,
            temperature=settings.temperature,
            max_output_tokens=settings.max_output_tokens,
            thinking_config=types.ThinkingConfig(
                thinking_budget=settings.thinking_budget,
                thinking_level=(
                    types.ThinkingLevel(settings.thinking_level)
                    if settings.thinking_level
                    else None
                ),
            ),
            response_mime_type="application/json" if schema is not None else None,
            # A plain JSON-schema dict goes in response_json_schema; response_schema would
            # convert it to Gemini's OpenAPI-subset Schema type.
            response_json_schema=dict(schema) if schema is not None else None,
        )


def _answer(response: types.GenerateContentResponse) -> ModelAnswer:
    usage = _usage(response.usage_metadata)
    if not response.candidates:
        feedback = response.prompt_feedback
        blocked = feedback is not None and feedback.block_reason is not None
        return ModelAnswer("", "PROMPT_BLOCKED" if blocked else "FINISH_REASON_UNSPECIFIED", usage)
    candidate = response.candidates[0]
    parts = (candidate.content.parts if candidate.content else None) or []
    text = "".join(part.text for part in parts if part.text and not part.thought)
    reason = (
        candidate.finish_reason.name if candidate.finish_reason else "FINISH_REASON_UNSPECIFIED"
    )
    return ModelAnswer(text, reason, usage)


def _usage(metadata: types.GenerateContentResponseUsageMetadata | None) -> Usage:
    if metadata is None:
        return Usage()
    return Usage(
        prompt_tokens=metadata.prompt_token_count or 0,
        output_tokens=metadata.candidates_token_count or 0,
        thinking_tokens=metadata.thoughts_token_count or 0,
        cached_tokens=metadata.cached_content_token_count or 0,
    )
