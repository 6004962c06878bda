"""The HTTP plumbing shared by the local fakes of Google APIs (fake_gemini, fake_sheets).

A fake subclasses FakeServer and answers each Request in `_dispatch`. The server runs on
a thread, keeps connections alive as Google's client libraries expect, and stop()
releases the calls a fake holds back (delayed or never answered).
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BufferedIOBase
from typing import Any, Self, cast
from urllib.parse import parse_qsl, urlsplit

# Longer than any client timeout; stop() ends the wait at once.
_HANG_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str  # as sent, still percent-encoded
    query: Mapping[str, str]  # blank values kept
    headers: Mapping[str, str]  # names in lower case
    body: bytes  # empty when too_large
    size: int  # the Content-Length
    too_large: bool  # over the fake's max_request_bytes: read and dropped


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering; stop() cuts it short, answering nothing


def json_response(
    status: int,
    body: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
    *,
    delay: float = 0.0,
) -> Response:
    data = json.dumps(body, ensure_ascii=False).encode()
    return Response(status, data, headers or {}, delay)


class FakeServer(ABC):
    """A fake served on a thread: `with Fake() as fake:` then point the client at `fake.url`."""

    # Bodies over this size are not kept (Request.too_large); None keeps them all.
    max_request_bytes: int | None = None

    def __init__(self, *, host: str, port: int, name: str) -> None:
        self.stopping = threading.Event()
        self._name = name
        self._server = _Server((host, port), self)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        self._thread = threading.Thread(
            # A short poll makes stop() quick: tests start and stop many fakes.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=self._name,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # releases hung and delayed calls
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @abstractmethod
    def _dispatch(self, request: Request) -> Response | None:
        """The response to one HTTP request; None to never answer (until stop())."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], fake: FakeServer) -> None:
        super().__init__(address, _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the clients' connection pools expect

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests and the stack's logs look at what the fake records instead."""

    def _serve(self) -> None:
        fake = cast(_Server, self.server).fake
        size = int(self.headers.get("Content-Length") or 0)
        limit = fake.max_request_bytes
        too_large = limit is not None and size > limit
        if too_large:  # read without keeping it, so the connection stays usable
            _drain(self.rfile, size)
        body = b"" if too_large else self.rfile.read(size)
        url = urlsplit(self.path)
        request = Request(
            self.command,
            url.path,
            dict(parse_qsl(url.query, keep_blank_values=True)),
            {name.lower(): value for name, value in self.headers.items()},
            body,
            size,
            too_large,
        )
        response = fake._dispatch(request)
        if response is None:
            fake.stopping.wait(_HANG_SECONDS)
            self.close_connection = True
            return
        if response.delay > 0 and fake.stopping.wait(response.delay):
            self.close_connection = True
            return
        try:
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout)
            self.close_connection = True


def _drain(stream: BufferedIOBase, size: int) -> None:
    while size > 0:
        chunk = stream.read(min(size, 1 << 20))
        if not chunk:
            return
        size -= len(chunk)
