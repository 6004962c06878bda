"""The web app's local server: the built app (web/dist) as Firebase Hosting serves it.

The same headers (infra.web_hosting), the same rewrite of the app's routes to
index.html, and the stack's own config.json. LocalStack runs it as a component:

    python -m infra.local_stack.app_server --dist web/dist --port PORT --site SITE.json

where SITE.json is {"config": <config.json>, "rules": [{"source", "headers"}, ...]}.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from infra.web_hosting import (
    HeaderRule,
    HostingSettings,
    header_rules,
    headers_for_path,
    runtime_config,
)

CONFIG_PATH = "/config.json"
READY_MARKER = "app server ready"
# Served with these types whatever the machine's mime.types says (nosniff makes a wrong
# type fatal for scripts and styles).
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Answer:
    status: HTTPStatus
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Site:
    """What to answer for a path: a file of `dist`, config.json, or the app's shell."""

    dist: Path
    config: bytes
    rules: tuple[HeaderRule, ...]

    @classmethod
    def load(cls, dist: Path, site_file: Path) -> Site:
        site = json.loads(site_file.read_text(encoding="utf-8"))
        rules = tuple(HeaderRule(r["source"], r["headers"]) for r in site["rules"])
        return cls(dist.resolve(), json.dumps(site["config"]).encode(), rules)

    def answer(self, raw_path: str) -> Answer:
        path = unquote(urlsplit(raw_path).path)
        if path == CONFIG_PATH:
            return self._found(path, self.config, "application/json")
        file = self._file(path)
        if file is not None:
            return self._found(path, file.read_bytes(), _content_type(file))
        if "." in PurePosixPath(path).name:  # a missing file, not one of the app's routes
            return self._answer(path, HTTPStatus.NOT_FOUND, b"not found\n", _TYPES[".txt"])
        index = (self.dist / "index.html").read_bytes()
        return self._found(path, index, _TYPES[".html"])

    def _file(self, path: str) -> Path | None:
        """The file of dist at `path`, if any (never one outside dist)."""
        if not path.startswith("/") or "\0" in path:
            return None
        candidate = (self.dist / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.dist) or not candidate.is_file():
            return None
        return candidate

    def _found(self, path: str, body: bytes, content_type: str) -> Answer:
        return self._answer(path, HTTPStatus.OK, body, content_type)

    def _answer(self, path: str, status: HTTPStatus, body: bytes, content_type: str) -> Answer:
        headers = {
            **headers_for_path(self.rules, path),
            "Content-Type": content_type,
            "Content-Length": str(len(body)),
        }
        return Answer(status, body, headers)


def site_document(settings: HostingSettings) -> dict[str, Any]:
    """The SITE.json of a stack: its config.json, and the headers of plain-http hosting."""
    rules = header_rules(settings, https=False)
    return {
        "config": runtime_config(settings),
        "rules": [{"source": rule.source, "headers": dict(rule.headers)} for rule in rules],
    }


def _content_type(file: Path) -> str:
    guessed, _ = mimetypes.guess_type(file.name)
    return _TYPES.get(file.suffix.lower()) or guessed or "application/octet-stream"


class _Handler(BaseHTTPRequestHandler):
    server: AppServer
    protocol_version = "HTTP/1.1"  # keep-alive, as browsers expect

    def version_string(self) -> str:
        return "app-server"  # not the Python version the default names

    def do_GET(self) -> None:
        self._send(self.server.site.answer(self.path), body=True)

    def do_HEAD(self) -> None:
        self._send(self.server.site.answer(self.path), body=False)

    def _send(self, answer: Answer, *, body: bool) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(answer.body)


class AppServer(ThreadingHTTPServer):
    """Serves `site` at `address` (port 0: a free one, read from server_address)."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Site) -> None:
        super().__init__(address, _Handler)
        self.site = site


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local_stack.app_server")
    parser.add_argument("--dist", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--site", type=Path, required=True, help="config.json and header rules")
    args = parser.parse_args(argv)
    site = Site.load(args.dist, args.site)
    with AppServer((args.host, args.port), site) as server:
        print(f"{READY_MARKER} on http://{args.host}:{args.port}", flush=True)
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
