"""A small resolver: the function hands it the request, it finds the route and answers.

Every route runs inside the same error mapping, gets a request id (the caller's
X-Request-ID when it is sane, else a new one) and returns it in a header.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import flask
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from shared.errors import AppError, PayloadTooLarge
from shared.http.responses import error_response

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


class RouteNotFound(AppError):
    code = "ROUTE_NOT_FOUND"
    status = 404


class MethodNotAllowedError(AppError):
    code = "METHOD_NOT_ALLOWED"
    status = 405


@dataclass(frozen=True, slots=True)
class Call:
    """One request as a handler sees it."""

    request: flask.Request
    request_id: str
    path: dict[str, str]


Handler = Callable[[Call], flask.Response]


@dataclass(frozen=True, slots=True)
class _Route:
    handler: Handler
    max_body_bytes: int


class Router:
    def __init__(self) -> None:
        self._rules = Map(strict_slashes=False)
        self._routes: dict[str, _Route] = {}

    def route(
        self, method: str, path: str, *, max_body_bytes: int = 64 * 1024
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            endpoint = f"{method} {path}"
            self._rules.add(Rule(path, endpoint=endpoint, methods=[method]))
            self._routes[endpoint] = _Route(handler, max_body_bytes)
            return handler

        return register

    def dispatch(self, request: flask.Request) -> flask.Response:
        request_id = _request_id(request)
        try:
            response = self._answer(request, request_id)
        except Exception as error:  # the one place errors become responses
            response = error_response(error, request_id)
        response.headers["X-Request-ID"] = request_id
        return response

    def _answer(self, request: flask.Request, request_id: str) -> flask.Response:
        try:
            endpoint, path = self._rules.bind_to_environ(request.environ).match()
        except MethodNotAllowed as error:
            raise MethodNotAllowedError("This method is not allowed here.") from error
        except NotFound as error:
            raise RouteNotFound("No such route.") from error
        route = self._routes[endpoint]
        if (request.content_length or 0) > route.max_body_bytes:
            raise PayloadTooLarge(
                f"The request body is over {route.max_body_bytes} bytes.",
                details={"max_bytes": route.max_body_bytes},
            )
        request.max_content_length = route.max_body_bytes
        return route.handler(Call(request, request_id, path))


def _request_id(request: flask.Request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex
