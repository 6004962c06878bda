"""A small resolver: the function hands it the request, it finds the route and answers.

Routes declare what they take and give (pydantic models, status, whether a token is
needed, their rate-limit class): the router validates input with those models,
identifies the caller, applies the rate limit, and documents the routes (OpenAPI)
from the same declarations. Every answer goes through one error mapping and gets a
request id (the caller's X-Request-ID when it is sane, else a new one), the security
headers and, for allowed origins, CORS headers.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import flask
from pydantic import BaseModel
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect, Rule

from shared.auth import User
from shared.errors import AppError, InvalidRequest, PayloadTooLarge, UnsupportedMediaType
from shared.http.responses import error_response, json_response
from shared.http.security import cors_headers, preflight, security_headers
from shared.logs import add_log_context, log_context, user_hash
from shared.observability.metrics import instruments
from shared.observability.tracing import continued, traceparent_of, tracer

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
DEFAULT_MAX_BODY_BYTES = 64 * 1024
_ROUTE_KEY = "fnt.route"  # where the matched route is noted, for the metrics


class RouteNotFound(AppError):
    code = "ROUTE_NOT_FOUND"
    status = 404


class MethodNotAllowedError(AppError):
    code = "METHOD_NOT_ALLOWED"
    status = 405


class Guard(Protocol):
    """Who calls, and whether they may: the API's auth and rate limits."""

    def authenticate(self, request: flask.Request) -> User: ...

    def admit(self, user: User, rate_class: str) -> Mapping[str, str]:
        """Count the request against the user's quota; the rate-limit headers to send.

        Raises an AppError (429) when the quota is spent."""
        ...

    def allowed_origins(self) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class Call:
    """One request as a handler sees it: validated, with its caller."""

    request: flask.Request
    request_id: str
    path: dict[str, str]
    user: User | None = None
    body: BaseModel | None = None
    query: BaseModel | None = None


Handler = Callable[[Call], "BaseModel | flask.Response"]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str  # werkzeug rule, e.g. /api/v1/jobs/<job_id>
    handler: Handler
    summary: str
    body: type[BaseModel] | None = None  # a JSON body
    multipart: type[BaseModel] | None = None  # form fields beside a file (documented)
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    public: bool = False  # no token needed
    rate_class: str | None = "reads"
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    errors: tuple[int, ...] = field(default=())  # statuses worth documenting


class Router:
    def __init__(self, guard: Callable[[], Guard]) -> None:
        self._guard = guard
        self._rules = Map(strict_slashes=False)
        self.routes: dict[str, Route] = {}

    def route(
        self, method: str, path: str, summary: str, **options: object
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            endpoint = f"{method} {path}"
            self._rules.add(Rule(path, endpoint=endpoint, methods=[method]))
            self.routes[endpoint] = Route(method, path, handler, summary, **options)  # type: ignore[arg-type]
            return handler

        return register

    def dispatch(self, request: flask.Request) -> flask.Response:
        request_id = _request_id(request)
        headers: dict[str, str] = {}
        started = time.perf_counter()
        with (
            continued(traceparent_of(request.headers)),
            tracer().start_as_current_span(f"{request.method} {request.path}") as span,
            log_context(request_id=request_id),
        ):
            try:
                response = self._answer(request, request_id, headers)
            except Exception as error:  # the one place errors become responses
                response = error_response(error, request_id)
            span.set_attribute("http.status_code", response.status_code)
        route = request.environ.get(_ROUTE_KEY, "unmatched")
        attributes = {"method": request.method, "status": response.status_code, "route": route}
        metrics = instruments()
        metrics.request_latency.record(1000 * (time.perf_counter() - started), attributes)
        if response.status_code >= 500:
            metrics.request_errors.add(1, attributes)
        response.headers.update(headers)
        response.headers["X-Request-ID"] = request_id
        response.headers.update(security_headers(request.path))
        response.headers.update(cors_headers(request, self._origins()))
        return response

    def _origins(self) -> frozenset[str]:
        try:
            return self._guard().allowed_origins()
        except Exception:  # a broken configuration must not hide the real answer
            return frozenset()

    def _answer(
        self, request: flask.Request, request_id: str, headers: dict[str, str]
    ) -> flask.Response:
        if request.method == "OPTIONS":
            return preflight(request, self._origins())
        try:
            endpoint, path = self._rules.bind_to_environ(request.environ).match()
        except MethodNotAllowed as error:
            raise MethodNotAllowedError("This method is not allowed here.") from error
        except (NotFound, RequestRedirect) as error:  # "//" or a trailing-slash variant
            raise RouteNotFound("No such route.") from error
        route = self.routes[endpoint]
        request.environ[_ROUTE_KEY] = route.path
        if (request.content_length or 0) > route.max_body_bytes:
            raise PayloadTooLarge(
                f"The request body is over {route.max_body_bytes} bytes.",
                details={"max_bytes": route.max_body_bytes},
            )
        request.max_content_length = route.max_body_bytes
        user = None
        if not route.public:
            guard = self._guard()
            user = guard.authenticate(request)
            add_log_context(user=user_hash(user.uid))
            if route.rate_class is not None:
                headers.update(guard.admit(user, route.rate_class))
        call = Call(
            request,
            request_id,
            path,
            user,
            body=route.body.model_validate(_json(request)) if route.body else None,
            query=route.query.model_validate(request.args.to_dict()) if route.query else None,
        )
        result = route.handler(call)
        if isinstance(result, BaseModel):
            return json_response(result, route.status)
        return result


def _json(request: flask.Request) -> object:
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidRequest("The body is not valid JSON.")
    return body


def _request_id(request: flask.Request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex
