"""A local fake of the Gemini REST API, for the google-genai SDK pointed at it by base URL.

It serves what the SDK calls, under the API versions Google serves (v1, v1beta; any other
is 404), for the models of its catalogue (catalogue.py; any other name is 404):
- GET /{version}/models and /{version}/models/{model}: the models' metadata
- POST /{version}/models/{model}:generateContent
- POST /upload/{version}/files: the resumable upload's start, then its upload/finalize
  commands on the returned x-goog-upload-url
- GET and DELETE /{version}/files/{id}
It is as strict as the API is documented to be (rules.py): unknown fields, thinking
settings the model refuses and bodies over 20 MB are 400s; thought tokens count against
maxOutputTokens; a PDF page costs 258 input tokens; an X-Server-Timeout header (which the
SDK sends with its timeout) ends a slower call with 504 DEADLINE_EXCEEDED. It checks the
API key like Google (x-goog-api-key header or ?key=), records every call, and answers as
its Behaviour says. Runs on a thread in tests, or as its own process:
`python -m infra.fake_gemini --port N [--latency S]`.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import re
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from infra.fake_gemini import rewriter, rules
from infra.fake_gemini.catalogue import CATALOGUE, FakeModel, find_model, not_found_message
from infra.fake_gemini.outcomes import (
    Behaviour,
    GenerateCall,
    Script,
    camel_keys,
    default,
    error_body,
)
from infra.fake_http import FakeServer, Request, Response, json_response
from infra.local_stack.shutdown_signals import exit_on_termination_signals

DEFAULT_TRANSCRIPTION = (
    "Il pleuvait sur la ville. Elle attendait, immobile, que le jour se lève enfin sur les toits."
)
READY_LINE = "fake gemini ready at"

_GENERATE = re.compile(r"/(v1\w*)/models/([^/:]+):generateContent")
_MODEL = re.compile(r"/(v1\w*)/models/([^/:]+)")
_MODELS = re.compile(r"/(v1\w*)/models")
_UPLOAD = re.compile(r"/upload/(v1\w*)/files")
_FILE = re.compile(r"/(v1\w*)/files/([a-z0-9]+)")
_KEY_INVALID_MESSAGE = "API key not valid. Please pass a valid API key."


@dataclass(frozen=True, slots=True)
class UploadedFile:
    name: str  # "files/<id>"
    mime_type: str
    display_name: str
    data: bytes
    uploaded_at: float  # time.monotonic()


@dataclass
class _Upload:
    api_version: str
    mime_type: str
    display_name: str
    data: bytearray = field(default_factory=bytearray)


@dataclass
class _StoredFile:
    file: UploadedFile
    api_version: str
    created: datetime
    processing_left: int  # how many more times it is reported PROCESSING


class FakeGemini(FakeServer):
    """The fake server: `with FakeGemini() as fake:` then point the client at `fake.url`.

    `valid_keys` None accepts any non-empty key. `latency` is added to every
    generateContent call. `transcription` is the text of each page of a PDF it is asked
    to read. `processing_polls`: how many times an uploaded file is reported PROCESSING
    (the upload's answer included) before ACTIVE. `request_limit_bytes`: the largest
    generateContent body it takes.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        valid_keys: set[str] | None = None,
        behaviour: Behaviour | None = None,
        latency: float = 0.0,
        transcription: str = DEFAULT_TRANSCRIPTION,
        processing_polls: int = 0,
        request_limit_bytes: int = rules.REQUEST_LIMIT_BYTES,
    ) -> None:
        self.valid_keys = valid_keys
        self.script = Script()
        self.behaviour: Behaviour = behaviour or self.script
        self.latency = latency
        self.transcription = transcription
        self.processing_polls = processing_polls
        self.request_limit_bytes = request_limit_bytes
        self.calls: list[GenerateCall] = []
        self.uploads: list[UploadedFile] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request
        self._lock = threading.Lock()
        self._files: dict[str, _StoredFile] = {}
        self._upload_sessions: dict[str, _Upload] = {}
        super().__init__(host=host, port=port, name="fake-gemini")

    @property
    def files(self) -> list[str]:
        """Names of the files uploaded and not deleted."""
        with self._lock:
            return sorted(self._files)

    def _dispatch(self, request: Request) -> Response | None:
        self.requests.append((request.method, request.path))
        if request.method == "POST" and (match := _GENERATE.fullmatch(request.path)):
            return self._checked(request) or self._generate(request, *match.groups())
        if request.method == "POST" and (match := _UPLOAD.fullmatch(request.path)):
            upload_id = request.query.get("upload_id")
            if upload_id:  # the upload id authorises the transfer, not the key
                return self._transfer(request, upload_id)
            return self._checked(request) or self._start_upload(request, match.group(1))
        if request.method in ("GET", "DELETE") and (match := _FILE.fullmatch(request.path)):
            return self._checked(request) or self._file(request.method, match.group(2))
        if request.method == "GET" and (match := _MODEL.fullmatch(request.path)):
            return self._checked(request) or _model(*match.groups())
        if request.method == "GET" and (match := _MODELS.fullmatch(request.path)):
            return self._checked(request) or _models(match.group(1))
        return _error(404, "NOT_FOUND", f"Method not found: {request.method} {request.path}")

    def _checked(self, request: Request) -> Response | None:
        """Google's answer when the API key is missing or not accepted, else None."""
        key = _api_key(request)
        if not key:
            return _error(
                403,
                "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers (callers without established "
                "identity). Please use API Key or other form of API consumer identity "
                "to call this API.",
            )
        if self.valid_keys is not None and key not in self.valid_keys:
            body = error_body(400, "INVALID_ARGUMENT", _KEY_INVALID_MESSAGE)
            body["error"]["details"] = [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                    "metadata": {"service": "generativelanguage.googleapis.com"},
                },
                {
                    "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                    "locale": "en-US",
                    "message": _KEY_INVALID_MESSAGE,
                },
            ]
            return json_response(400, body)
        return None

    def _generate(self, request: Request, api_version: str, name: str) -> Response | None:
        model = find_model(api_version, name)
        if model is None:
            return _error(404, "NOT_FOUND", not_found_message(api_version, name))
        if request.size > self.request_limit_bytes:
            message = f"Request payload size exceeds the limit: {self.request_limit_bytes} bytes."
            return _error(400, "INVALID_ARGUMENT", message)
        try:
            body = camel_keys(json.loads(request.body or b"{}"))
        except ValueError:
            return _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        refusal = rules.refusal(model, body)
        if refusal is not None:
            return _error(400, "INVALID_ARGUMENT", refusal)
        call = GenerateCall(name, api_version, body, _api_key(request), time.monotonic())
        pages = self._document_pages(call)
        if isinstance(pages, Response):
            return pages
        call = self._costed(call, model, pages)
        if call.prompt_tokens > model.input_tokens:
            message = (
                f"The input token count ({call.prompt_tokens}) exceeds the maximum number of"
                f" tokens allowed ({model.input_tokens})."
            )
            return _error(400, "INVALID_ARGUMENT", message)
        self.calls.append(call)
        outcome = self.behaviour(call) or default()
        text = (
            "\n".join([self.transcription] * pages)
            if call.documents
            else rewriter.rewrite_prompt(call.prompt)
        )
        delay = self.latency + outcome.delay
        deadline = _server_timeout(request)
        if deadline is not None and (outcome.reply is None or delay > deadline):
            message = "Deadline expired before operation could complete."
            return json_response(504, error_body(504, "DEADLINE_EXCEEDED", message), delay=deadline)
        if outcome.reply is None:
            return None
        reply = outcome.reply(call, text)
        return json_response(reply.status, reply.body, delay=delay)

    def _document_pages(self, call: GenerateCall) -> int | Response:
        """The pages of the call's PDFs, or Google's refusal of one of them."""
        pages = 0
        for document in call.documents:
            if "fileData" in document:
                file_id = document["fileData"].get("fileUri", "").rpartition("/files/")[2]
                with self._lock:
                    stored = self._files.get(f"files/{file_id}")
                if stored is None:
                    return _file_not_found(file_id)
                data: bytes | None = stored.file.data
            else:
                data = rules.inline_bytes(document)
            counted = rules.pdf_pages(data) if data is not None else None
            if counted is None:
                return _error(400, "INVALID_ARGUMENT", "The document has no pages.")
            pages += counted
        return pages

    @staticmethod
    def _costed(call: GenerateCall, model: FakeModel, pages: int) -> GenerateCall:
        config = call.generation_config
        return replace(
            call,
            prompt_tokens=rules.text_tokens(call.system, call.prompt)
            + pages * rules.TOKENS_PER_PAGE,
            thought_tokens=model.thought_tokens(config.get("thinkingConfig", {})),
            max_output_tokens=int(config.get("maxOutputTokens", model.output_tokens)),
            document_pages=pages,
        )

    def _start_upload(self, request: Request, api_version: str) -> Response:
        if request.headers.get("x-goog-upload-command") != "start":
            return _error(400, "INVALID_ARGUMENT", "Expected X-Goog-Upload-Command: start.")
        metadata = json.loads(request.body or b"{}").get("file", {})
        upload_id = uuid.uuid4().hex
        with self._lock:
            self._upload_sessions[upload_id] = _Upload(
                api_version,
                request.headers.get("x-goog-upload-header-content-type", ""),
                metadata.get("displayName", ""),
            )
        upload_url = (
            f"{self.url}/upload/{api_version}/files?upload_id={upload_id}&upload_protocol=resumable"
        )
        return Response(
            200, headers={"x-goog-upload-url": upload_url, "x-goog-upload-status": "active"}
        )

    def _transfer(self, request: Request, upload_id: str) -> Response:
        """One upload command: append the bytes at the offset, and finalize if asked."""
        commands = {c.strip() for c in request.headers.get("x-goog-upload-command", "").split(",")}
        with self._lock:
            upload = self._upload_sessions.get(upload_id)
            if upload is None:
                return _error(404, "NOT_FOUND", "No such upload.")
            if int(request.headers.get("x-goog-upload-offset", "-1")) != len(upload.data):
                return _error(400, "INVALID_ARGUMENT", "Upload offset does not match.")
            upload.data += request.body
            if "finalize" not in commands:
                return Response(200, headers={"x-goog-upload-status": "active"})
            del self._upload_sessions[upload_id]
            name = f"files/{uuid.uuid4().hex[:12]}"
            file = UploadedFile(
                name, upload.mime_type, upload.display_name, bytes(upload.data), time.monotonic()
            )
            stored = _StoredFile(file, upload.api_version, datetime.now(UTC), self.processing_polls)
            self._files[name] = stored
            self.uploads.append(file)
            resource = self._resource(stored)
        return json_response(200, {"file": resource}, headers={"x-goog-upload-status": "final"})

    def _file(self, method: str, file_id: str) -> Response:
        name = f"files/{file_id}"
        with self._lock:
            stored = self._files.get(name)
            if stored is None:
                return _file_not_found(file_id)
            if method == "DELETE":
                del self._files[name]
                return json_response(200, {})
            return json_response(200, self._resource(stored))

    def _resource(self, stored: _StoredFile) -> dict[str, Any]:
        """The File resource as the API shows it; counts one PROCESSING report down."""
        state = "PROCESSING" if stored.processing_left > 0 else "ACTIVE"
        stored.processing_left -= 1
        file = stored.file
        digest = hashlib.sha256(file.data).hexdigest().encode()
        return {
            "name": file.name,
            "displayName": file.display_name,
            "mimeType": file.mime_type,
            "sizeBytes": str(len(file.data)),
            "createTime": _timestamp(stored.created),
            "updateTime": _timestamp(stored.created),
            "expirationTime": _timestamp(stored.created + timedelta(hours=48)),
            "sha256Hash": base64.b64encode(digest).decode(),
            "uri": f"{self.url}/{stored.api_version}/{file.name}",
            "state": state,
            "source": "UPLOADED",
        }


def _model(api_version: str, name: str) -> Response:
    model = find_model(api_version, name)
    if model is None:
        return _error(404, "NOT_FOUND", not_found_message(api_version, name))
    return json_response(200, model.resource())


def _models(api_version: str) -> Response:
    if api_version not in CATALOGUE:
        return _error(404, "NOT_FOUND", f"API version {api_version} is not served.")
    return json_response(200, {"models": [m.resource() for m in CATALOGUE[api_version].values()]})


def _server_timeout(request: Request) -> float | None:
    """The X-Server-Timeout header's seconds: Google stops working on the call then."""
    try:
        return float(request.headers["x-server-timeout"])
    except (KeyError, ValueError):
        return None


def _error(code: int, status: str, message: str) -> Response:
    return json_response(code, error_body(code, status, message))


def _file_not_found(file_id: str) -> Response:
    message = f"You do not have permission to access the File {file_id} or it may not exist."
    return _error(403, "PERMISSION_DENIED", message)


def _api_key(request: Request) -> str:
    return request.headers.get("x-goog-api-key") or request.query.get("key", "")


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A local fake of the Gemini REST API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each call")
    parser.add_argument(
        "--valid-key", action="append", dest="valid_keys", help="accept only these keys"
    )
    args = parser.parse_args(argv)
    valid_keys = set(args.valid_keys) if args.valid_keys else None
    fake = FakeGemini(host=args.host, port=args.port, latency=args.latency, valid_keys=valid_keys)
    with exit_on_termination_signals(), fake:
        print(f"{READY_LINE} {fake.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: a clean stop
            fake.stopping.wait()
    return 0
