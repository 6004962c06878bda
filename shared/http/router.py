"""A small resolver: the function hands it the request, it finds the route and answers.

Routes are declared once, at import, on a `Routes` table: the handler's annotations say
what it takes and gives (`Call[Body, Query]` and its return model), the declaration its
status, whether a token is needed and its rate-limit class. The composition root binds
the table to its dependencies in a `Router`, which validates input with those models,
identifies the caller, applies the rate limit and calls the handler with the request
and the dependencies. The same declarations document the API (OpenAPI). Every answer
goes through one error mapping and gets a request id (the caller's X-Request-ID when it
is sane, else a new one), the security headers and, for allowed origins, CORS headers.
"""

from __future__ import annotations

import re
import time
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Generic, Protocol, TypeVar

import flask
from pydantic import BaseModel
from werkzeug.exceptions import MethodNotAllowed as WerkzeugMethodNotAllowed
from werkzeug.exceptions import NotFound as WerkzeugNotFound
from werkzeug.routing import Map, RequestRedirect, Rule

from shared.domain.errors import (
    InvalidInput,
    MethodNotAllowed,
    MissingToken,
    RouteNotFound,
    TooLarge,
    UnsupportedFormat,
)
from shared.domain.users import User
from shared.http.responses import error_response, json_response, rate_limit_headers
from shared.http.security import cors_headers, preflight, security_headers
from shared.observability.logs import add_log_context, log_context, user_hash
from shared.observability.metrics import instruments
from shared.observability.tracing import continued, traceparent_of, tracer
from shared.ratelimit import Decision, EndpointClass

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
DEFAULT_MAX_BODY_BYTES = 64 * 1024
_ROUTE_KEY = "fnt.route"  # where the matched route is noted, for the metrics

BodyT = TypeVar("BodyT")
QueryT = TypeVar("QueryT")
ContextT = TypeVar("ContextT")


class Guard(Protocol):
    """Who calls, and whether they may: the API's auth and rate limits."""

    def authenticate(self, request: flask.Request) -> User: ...

    def admit(self, user: User, rate_class: EndpointClass) -> Decision | None:
        """Count the request against the user's quota (None: the role is unlimited).

        Raises RateLimited when the quota is spent."""
        ...

    def allowed_origins(self) -> frozenset[str]: ...


@dataclass(frozen=True, slots=True)
class Call(Generic[BodyT, QueryT]):
    """One request as a handler sees it: validated, with its caller."""

    request: flask.Request
    request_id: str
    path: Mapping[str, str]
    body: BodyT
    query: QueryT
    caller: User | None = None

    @property
    def user(self) -> User:
        """The signed-in caller (every route but the public ones has one)."""
        if self.caller is None:
            raise MissingToken("This route needs a signed-in user.")
        return self.caller


Handler = Callable[[Call[Any, Any], ContextT], BaseModel | flask.Response]


@dataclass(frozen=True, slots=True)
class Route(Generic[ContextT]):
    method: str
    path: str  # werkzeug rule, e.g. /api/v1/jobs/<job_id>
    handler: Handler[ContextT]
    summary: str
    body: type[BaseModel] | None = None  # a JSON body
    multipart: type[BaseModel] | None = None  # form fields beside a file (documented)
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    public: bool = False  # no token needed
    rate_class: EndpointClass | None = EndpointClass.READS
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    errors: tuple[int, ...] = field(default=())  # statuses worth documenting


class Routes(Generic[ContextT]):
    """An API's route declarations; a Router serves them with its dependencies."""

    def __init__(self) -> None:
        self.rules = Map(strict_slashes=False)
        self.routes: dict[str, Route[ContextT]] = {}

    def route(
        self,
        method: str,
        path: str,
        summary: str,
        *,
        status: int = 200,
        public: bool = False,
        rate_class: EndpointClass | None = EndpointClass.READS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        multipart: type[BaseModel] | None = None,
        errors: tuple[int, ...] = (),
    ) -> Callable[[Handler[ContextT]], Handler[ContextT]]:
        def register(handler: Handler[ContextT]) -> Handler[ContextT]:
            body, query, response = _models_of(handler)
            endpoint = f"{method} {path}"
            self.rules.add(Rule(path, endpoint=endpoint, methods=[method]))
            self.routes[endpoint] = Route(
                method, path, handler, summary, body, multipart, query, response,
                status, public, rate_class, max_body_bytes, errors,
            )  # fmt: skip
            return handler

        return register


class Router(Generic[ContextT]):
    def __init__(self, routes: Routes[ContextT], context: ContextT, guard: Guard) -> None:
        self.routes = routes
        self._context = context
        self._guard = guard

    def dispatch(self, request: flask.Request) -> flask.Response:
        request_id = request_id_of(request)
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
                if response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE:
                    _leave_unread(request)
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
            return self._guard.allowed_origins()
        except Exception:  # a broken configuration must not hide the real answer
            return frozenset()

    def _answer(
        self, request: flask.Request, request_id: str, headers: dict[str, str]
    ) -> flask.Response:
        if request.method == "OPTIONS":
            return preflight(request, self._origins())
        try:
            endpoint, path = self.routes.rules.bind_to_environ(request.environ).match()
        except WerkzeugMethodNotAllowed as error:
            raise MethodNotAllowed("This method is not allowed here.") from error
        except (WerkzeugNotFound, RequestRedirect) as error:  # "//" or a trailing-slash variant
            raise RouteNotFound("No such route.") from error
        route = self.routes.routes[endpoint]
        request.environ[_ROUTE_KEY] = route.path
        if (request.content_length or 0) > route.max_body_bytes:
            raise TooLarge(
                f"The request body is over {route.max_body_bytes} bytes.",
                details={"max_bytes": route.max_body_bytes},
            )
        request.max_content_length = route.max_body_bytes
        user = None
        if not route.public:
            user = self._guard.authenticate(request)
            add_log_context(user=user_hash(user.uid))
            if route.rate_class is not None:
                decision = self._guard.admit(user, route.rate_class)
                headers.update(rate_limit_headers(decision) if decision else {})
        call: Call[Any, Any] = Call(
            request,
            request_id,
            path,
            body=route.body.model_validate(_json(request)) if route.body else None,
            query=route.query.model_validate(request.args.to_dict()) if route.query else None,
            caller=user,
        )
        result = route.handler(call, self._context)
        if isinstance(result, BaseModel):
            return json_response(result, route.status)
        return result


def _leave_unread(request: flask.Request) -> None:
    """A body refused as too large is not read to its end afterwards: the server (which
    drains what a handler left) would meet the same limit again and answer a bare 500."""
    request._cached_data = b""  # werkzeug's cache of the body, read before the stream


def _models_of(
    handler: Callable[..., object],
) -> tuple[type[BaseModel] | None, type[BaseModel] | None, type[BaseModel] | None]:
    """(body, query, response) models, from `call: Call[Body, Query]` and the return type."""
    hints = typing.get_type_hints(handler)
    body, query = typing.get_args(hints["call"]) or (None, None)
    returned = hints.get("return")
    options = typing.get_args(returned) if isinstance(returned, types.UnionType) else (returned,)
    responses = [option for option in options if _is_model(option)]
    return (
        body if _is_model(body) else None,
        query if _is_model(query) else None,
        responses[0] if responses else None,
    )


def _is_model(candidate: object) -> typing.TypeGuard[type[BaseModel]]:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _json(request: flask.Request) -> object:
    if not request.is_json:
        raise UnsupportedFormat("Send the body as application/json.")
    try:
        body = request.get_json(silent=True)
    except RecursionError as error:  # nested deeper than any body this API takes
        raise InvalidInput("The body is nested too deeply.") from error
    if body is None:
        raise InvalidInput("The body is not valid JSON.")
    return body


def request_id_of(request: flask.Request) -> str:
    """The caller's X-Request-ID when it is sane, else a new one."""
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex
