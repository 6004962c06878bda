"""A local fake of the Sheets v4 and Drive v3 endpoints gspread calls.

It serves, under one base URL (the client redirects both Google hosts to it):
- POST /drive/v3/files (create a spreadsheet, in `parents`), GET /drive/v3/files/{id}
- POST and GET /drive/v3/files/{id}/permissions
- GET /v4/spreadsheets/{id} (metadata), POST /v4/spreadsheets/{id}:batchUpdate
- GET and PUT /v4/spreadsheets/{id}/values/{range}, POST .../values/{range}:append,
  POST /v4/spreadsheets/{id}/values:batchUpdate
It checks the bearer token like Google (401 UNAUTHENTICATED, 403 for missing scopes),
refuses bodies over the request size limit as Google does (400, "Request payload size
exceeds the limit"), answers scripted failures (`fail_next`), and records every request.
Runs on a thread in tests, or as its own process: `python -m infra.fake_sheets --port N`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from infra.fake_http import FakeServer, Request, Response, json_response
from infra.fake_sheets import batch, drive, values
from infra.fake_sheets.google_errors import (
    INSUFFICIENT_SCOPES,
    INVALID_CREDENTIALS,
    MISSING_CREDENTIALS,
    SCRIPTED_MESSAGES,
    ApiError,
    invalid,
)
from infra.fake_sheets.model import Spreadsheet
from infra.local_stack.shutdown_signals import exit_on_termination_signals

READY_LINE = "fake sheets ready at"
# Google's limit on a request body (10 MiB), and on the cells of one spreadsheet.
GOOGLE_MAX_REQUEST_BYTES = 10 * 1024 * 1024
GOOGLE_MAX_CELLS = 10_000_000
_REALM = 'Bearer realm="https://accounts.google.com/"'
_SCOPES = "https://www.googleapis.com/auth/spreadsheets https://www.googleapis.com/auth/drive.file"

_SPREADSHEET = r"/v4/spreadsheets/([^/:]+)"
_FILE = r"/drive/v3/files/([^/]+)"
# (HTTP method, path pattern, API method); a range's own ":" arrives percent-encoded.
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile("/drive/v3/files"), "drive.files.create"),
    ("GET", re.compile(_FILE), "drive.files.get"),
    ("POST", re.compile(_FILE + "/permissions"), "drive.permissions.create"),
    ("GET", re.compile(_FILE + "/permissions"), "drive.permissions.list"),
    ("GET", re.compile(_SPREADSHEET), "sheets.spreadsheets.get"),
    ("POST", re.compile(_SPREADSHEET + ":batchUpdate"), "sheets.spreadsheets.batchUpdate"),
    ("POST", re.compile(_SPREADSHEET + "/values:batchUpdate"), "sheets.values.batchUpdate"),
    ("POST", re.compile(_SPREADSHEET + "/values/([^/]+?):append"), "sheets.values.append"),
    ("GET", re.compile(_SPREADSHEET + "/values/([^/]+)"), "sheets.values.get"),
    ("PUT", re.compile(_SPREADSHEET + "/values/([^/]+)"), "sheets.values.update"),
]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str  # percent-decoded
    query: Mapping[str, str]
    body_bytes: int
    json: Any  # the parsed body ({} when empty); None when refused before parsing
    status: int
    api_method: str | None  # e.g. "sheets.values.append"; None for unknown paths


class FakeSheets(FakeServer):
    """The fake server: `with FakeSheets() as fake:` then redirect the Google hosts to `fake.url`.

    `valid_tokens` None accepts any non-empty bearer token. Tokens in
    `insufficient_scope_tokens` authenticate but lack the scopes (403). New spreadsheets
    get one tab named `first_tab` (Sheets names it in the owner's language).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        valid_tokens: set[str] | None = None,
        insufficient_scope_tokens: set[str] | None = None,
        max_request_bytes: int = GOOGLE_MAX_REQUEST_BYTES,
        max_cells: int = GOOGLE_MAX_CELLS,
        first_tab: str = "Sheet1",
    ) -> None:
        self.valid_tokens = valid_tokens
        self.insufficient_scope_tokens = insufficient_scope_tokens or set()
        self.max_request_bytes = max_request_bytes
        self.max_cells = max_cells
        self.first_tab = first_tab
        self.requests: list[RecordedRequest] = []
        self._spreadsheets: dict[str, Spreadsheet] = {}
        self._failures: list[tuple[int, str | None]] = []  # (status, API method or any)
        self._lock = threading.Lock()
        super().__init__(host=host, port=port, name="fake-sheets")

    def fail_next(
        self, status: int = 429, *, times: int = 1, api_method: str | None = None
    ) -> None:
        """Answer the next `times` authenticated requests (to `api_method` only, if given)
        with this error, as Google words it."""
        with self._lock:
            self._failures.extend([(status, api_method)] * times)

    def add_spreadsheet(
        self, title: str, tabs: Sequence[str] = ("Sheet1",), parents: Sequence[str] = ()
    ) -> Spreadsheet:
        """A spreadsheet that exists before the test, as if the user had made it."""
        with self._lock:
            return drive.new_spreadsheet(self._spreadsheets, title, list(tabs), list(parents))

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        """The stored spreadsheet, to look at; KeyError if there is none."""
        return self._spreadsheets[spreadsheet_id]

    @property
    def spreadsheet_ids(self) -> list[str]:
        return list(self._spreadsheets)

    def requests_to(self, api_method: str) -> list[RecordedRequest]:
        return [request for request in self.requests if request.api_method == api_method]

    def _handle(
        self, api_method: str, args: tuple[str, ...], query: Mapping[str, str], body: Any
    ) -> dict[str, Any]:
        """The answer of one API method; raises ApiError for Google's error answers."""
        match api_method:
            case "drive.files.create":
                return drive.create_file(self._spreadsheets, body, first_tab=self.first_tab)
            case "drive.files.get":
                return self._file(args[0]).drive_file()
            case "drive.permissions.create":
                return drive.create_permission(self._file(args[0]), query, body)
            case "drive.permissions.list":
                return drive.list_permissions(self._file(args[0]))
        spreadsheet = self._spreadsheet(args[0])
        match api_method:
            case "sheets.spreadsheets.get":
                return spreadsheet.metadata()
            case "sheets.spreadsheets.batchUpdate":
                return batch.apply(spreadsheet, body, max_cells=self.max_cells)
            case "sheets.values.batchUpdate":
                return values.batch_update(spreadsheet, body)
            case "sheets.values.append":
                return values.append(spreadsheet, args[1], query, body, max_cells=self.max_cells)
            case "sheets.values.get":
                return values.get(spreadsheet, args[1], query)
            case "sheets.values.update":
                return values.update(spreadsheet, args[1], query, body)
        raise AssertionError(api_method)  # every route has its case

    def _spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        try:
            return self._spreadsheets[spreadsheet_id]
        except KeyError:
            raise ApiError(404, "Requested entity was not found.") from None

    def _file(self, file_id: str) -> Spreadsheet:
        try:
            return self._spreadsheets[file_id]
        except KeyError:
            raise ApiError(404, f"File not found: {file_id}.", drive_reason="notFound") from None

    def _dispatch(self, request: Request) -> Response:
        method, path, query = request.method, request.path, request.query
        route = _route(method, path)
        drive_api = path.startswith("/drive/")
        parsed: Any = None
        try:
            if request.too_large:
                limit = self.max_request_bytes
                raise invalid(f"Request payload size exceeds the limit: {limit} bytes.")
            if route is None:
                raise ApiError(404, f"Method not found: {method} {path}")
            api_method, args = route
            self._authorize(request.headers)
            self._scripted_failure(api_method)
            parsed = _json_body(request.body)
            with self._lock:
                result = self._handle(api_method, args, query, parsed)
            response = json_response(200, result)
        except ApiError as error:
            service = "drive.googleapis.com" if drive_api else "sheets.googleapis.com"
            body_json = error.body(service, drive=drive_api)
            response = json_response(error.code, body_json, error.headers)
        record = RecordedRequest(
            method,
            unquote(path),
            query,
            request.size,
            parsed,
            response.status,
            route[0] if route else None,
        )
        with self._lock:
            self.requests.append(record)
        return response

    def _authorize(self, headers: Mapping[str, str]) -> None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(
                401,
                MISSING_CREDENTIALS,
                "CREDENTIALS_MISSING",
                headers={"WWW-Authenticate": _REALM},
            )
        if token in self.insufficient_scope_tokens:
            challenge = f'{_REALM}, error="insufficient_scope", scope="{_SCOPES}"'
            raise ApiError(
                403,
                INSUFFICIENT_SCOPES,
                "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
                drive_reason="insufficientPermissions",
                headers={"WWW-Authenticate": challenge},
            )
        if self.valid_tokens is not None and token not in self.valid_tokens:
            raise ApiError(
                401,
                INVALID_CREDENTIALS,
                "ACCESS_TOKEN_TYPE_UNSUPPORTED",
                headers={"WWW-Authenticate": f'{_REALM}, error="invalid_token"'},
            )

    def _scripted_failure(self, api_method: str) -> None:
        with self._lock:
            scripted = next((f for f in self._failures if f[1] in (None, api_method)), None)
            if scripted is None:
                return
            self._failures.remove(scripted)
        status = scripted[0]
        reason = "RATE_LIMIT_EXCEEDED" if status == 429 else None
        raise ApiError(status, SCRIPTED_MESSAGES.get(status, "Scripted failure."), reason)


def _route(method: str, path: str) -> tuple[str, tuple[str, ...]] | None:
    for route_method, pattern, api_method in _ROUTES:
        if method == route_method and (match := pattern.fullmatch(path)):
            return api_method, tuple(unquote(group) for group in match.groups())
    return None


def _json_body(body: bytes) -> Any:
    if not body:
        return {}
    try:
        return json.loads(body)
    except ValueError:
        raise invalid("Invalid JSON payload received.") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A local fake of the Sheets and Drive APIs.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--valid-token", action="append", dest="valid_tokens", help="accept only these tokens"
    )
    parser.add_argument("--first-tab", default="Sheet1", help="the tab of a new spreadsheet")
    args = parser.parse_args(argv)
    valid_tokens = set(args.valid_tokens) if args.valid_tokens else None
    fake = FakeSheets(
        host=args.host, port=args.port, valid_tokens=valid_tokens, first_tab=args.first_tab
    )
    with exit_on_termination_signals(), fake:
        print(f"{READY_LINE} {fake.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: a clean stop
            fake.stopping.wait()
    return 0
