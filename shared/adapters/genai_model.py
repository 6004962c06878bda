"""The TextModel port on the official google-genai SDK (Gemini Developer API, API key).

One call is one HTTP request: the SDK's own retries stay off, since the task queue
retries whatever this raises as retryable. A base URL (the argument, else the SDK's
GOOGLE_GEMINI_BASE_URL variable) points it at a local fake of the REST API.
"""

from __future__ import annotations

import io
import logging
import time

import httpx
import httpx2
from google import genai
from google.genai import errors, types

from shared.domain.errors import (
    ModelError,
    ModelKeyInvalid,
    ModelRateLimited,
    ModelRequestRejected,
    ModelUnavailable,
)
from shared.gemini.ports import INLINE_PDF_MAX_BYTES, ModelAnswer, ModelRequest, Usage

_log = logging.getLogger(__name__)

_PDF = "application/pdf"
_FILE_POLL_SECONDS = 1.0
# What a call can fail with: Google's answer, or no answer. The SDK sends with httpx2 by
# default and with httpx when GOOGLE_GENAI_HTTP_CLIENT=httpx; a timeout is a TransportError.
_CALL_ERRORS = (errors.APIError, httpx2.TransportError, httpx.TransportError)


class GenaiModel:
    def __init__(
        self,
        api_key: str,
        model_name: str = "gemini-2.5-flash",
        *,
        timeout_seconds: float = 120.0,
        base_url: str | None = None,
        inline_pdf_max_bytes: int = INLINE_PDF_MAX_BYTES,
    ) -> None:
        if not api_key.strip():
            # The SDK would fall back to GEMINI_API_KEY / GOOGLE_API_KEY: be explicit instead.
            raise ModelKeyInvalid("No Gemini API key is configured.")
        self._api_key = api_key
        self._model_name = model_name
        self._timeout_seconds = timeout_seconds
        self._inline_pdf_max_bytes = inline_pdf_max_bytes
        self._client = genai.Client(
            vertexai=False,
            api_key=api_key,
            # base_url None leaves the SDK to GOOGLE_GEMINI_BASE_URL, then Google's endpoint.
            http_options=types.HttpOptions(
                timeout=round(timeout_seconds * 1000), base_url=base_url
            ),
        )

    @property
    def model_name(self) -> str:
        return self._model_name

    def generate(self, request: ModelRequest) -> ModelAnswer:
        try:
            if request.pdf is None:
                return self._generate(request, [])
            if len(request.pdf) <= self._inline_pdf_max_bytes:
                return self._generate(
                    request, [types.Part.from_bytes(data=request.pdf, mime_type=_PDF)]
                )
            return self._generate_with_upload(request, request.pdf)
        except _CALL_ERRORS as exc:
            raise _model_error(exc, self._api_key) from exc

    def _generate_with_upload(self, request: ModelRequest, pdf: bytes) -> ModelAnswer:
        """Through the Files API, for a PDF too large to go inline; the file is deleted after."""
        uploaded = self._client.files.upload(
            file=io.BytesIO(pdf), config=types.UploadFileConfig(mime_type=_PDF)
        )
        try:
            file = self._wait_until_active(uploaded)
            part = types.Part.from_uri(file_uri=file.uri or "", mime_type=_PDF)
            return self._generate(request, [part])
        finally:
            self._delete_quietly(uploaded)

    def _wait_until_active(self, file: types.File) -> types.File:
        deadline = time.monotonic() + self._timeout_seconds
        while file.state == types.FileState.PROCESSING:
            if time.monotonic() > deadline:
                raise ModelUnavailable("Gemini is still processing the uploaded PDF.")
            time.sleep(_FILE_POLL_SECONDS)
            file = self._client.files.get(name=file.name or "")
        if file.state == types.FileState.FAILED:
            raise ModelRequestRejected("Gemini could not process the uploaded PDF.")
        return file

    def _delete_quietly(self, file: types.File) -> None:
        """Best effort: an undeleted upload expires by itself after 48 hours."""
        try:
            self._client.files.delete(name=file.name or "")
        except _CALL_ERRORS as exc:
            _log.warning("Could not delete the uploaded PDF %s: %s", file.name, type(exc).__name__)

    def _generate(self, request: ModelRequest, documents: list[types.Part]) -> ModelAnswer:
        response = self._client.models.generate_content(
            model=self._model_name,
            contents=types.Content(
                role="user", parts=[*documents, types.Part.from_text(text=request.prompt)]
            ),
            config=_config(request),
        )
        return _answer(response)


def _config(request: ModelRequest) -> types.GenerateContentConfig:
    schema = request.response_schema
    return types.GenerateContentConfig(
        system_instruction=request.system,
        temperature=request.temperature,
        max_output_tokens=request.max_output_tokens,
        thinking_config=types.ThinkingConfig(thinking_budget=request.thinking_budget),
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


def _model_error(exc: Exception, api_key: str) -> ModelError:
    """The port's error for an SDK failure; the message never carries the key."""
    if not isinstance(exc, errors.APIError):
        return ModelUnavailable(f"Gemini did not answer: {type(exc).__name__}.")
    message = f"Gemini answered {exc.code} {exc.status}: {exc.message}".replace(api_key, "[key]")
    if isinstance(exc, errors.ServerError):
        return ModelUnavailable(message)
    if exc.code == 429:
        return ModelRateLimited(message)
    names_key = "API_KEY_INVALID" in str(exc.details) or "api key" in str(exc.message).lower()
    if exc.code in (401, 403) or (exc.code == 400 and names_key):
        return ModelKeyInvalid(message)
    if isinstance(exc, errors.ClientError):
        return ModelRequestRejected(message)
    return ModelError(message)
