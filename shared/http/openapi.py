"""The API's OpenAPI 3.1 document, generated from the router's route declarations."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from shared.domain.ids import ID_PATTERN
from shared.http.router import Route, Routes
from shared.http.schemas import ErrorResponse

OPENAPI_VERSION = "3.1.0"
SECURITY_SCHEME = "firebase"
# The form field that carries the PDF beside a multipart route's settings fields.
MULTIPART_FILE_FIELD = "pdf_file"
# werkzeug matches any string; the handlers accept only these shapes (else 404).
PATH_PATTERNS = {"job_id": ID_PATTERN, "export_id": ID_PATTERN}

_RULE_PARAMETER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
_JSON = "application/json"
# The rate-limit headers are left out for roles without a quota.
_HEADERS = {
    "X-Request-ID": ("The caller's X-Request-ID when it is sane, else a new id.", True),
    "X-RateLimit-Limit": ("Requests allowed per window for the route's class.", False),
    "X-RateLimit-Remaining": ("Requests left in the current window.", False),
    "X-RateLimit-Reset": ("When the current window ends (Unix seconds).", False),
    "Retry-After": ("Seconds to wait before trying again.", True),
}
_RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")

Schema = dict[str, Any]
ModelKey = tuple[type[BaseModel], JsonSchemaMode]


def openapi_document(
    table: Routes[Any], *, title: str, version: str, server_url: str | None = None
) -> dict[str, Any]:
    """The document of every route of `table` (JSON-ready); no servers: the serving origin."""
    routes = list(table.routes.values())
    refs, components = _component_schemas(routes)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        template = _RULE_PARAMETER.sub(r"{\1}", route.path)
        paths.setdefault(template, {})[route.method.lower()] = _operation(route, refs, components)
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "responses": _error_responses(routes, refs),
            "headers": {
                name: {"description": text, "required": required, "schema": {"type": "string"}}
                for name, (text, required) in _HEADERS.items()
            },
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A Firebase ID token of the signed-in user.",
                }
            },
        },
    }
    if server_url is not None:
        document["servers"] = [{"url": server_url}]
    return document


def _component_schemas(routes: list[Route[Any]]) -> tuple[dict[ModelKey, Schema], Schema]:
    """Every model's schema, inputs as validated and outputs as serialized.

    One pydantic pass over all of them names each schema once: a model whose two modes
    differ, or two models of one name, get distinct names (e.g. -Input and -Output).
    """
    keys: dict[ModelKey, None] = {}
    for route in routes:
        for model in (route.body, route.multipart, route.query):
            if model is not None:
                keys[(model, "validation")] = None
        if route.response is not None:
            keys[(route.response, "serialization")] = None
    keys[(ErrorResponse, "serialization")] = None
    refs, schema = models_json_schema(list(keys), ref_template="#/components/schemas/{model}")
    return {key: refs[key] for key in keys}, schema.get("$defs", {})


def _operation(route: Route[Any], refs: dict[ModelKey, Schema], components: Schema) -> Schema:
    operation: Schema = {"operationId": route.handler.__name__, "summary": route.summary}
    parameters = _path_parameters(route.path)
    if route.query is not None:
        parameters += _query_parameters(_resolved(refs[(route.query, "validation")], components))
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        content = {_JSON: {"schema": refs[(route.body, "validation")]}}
        operation["requestBody"] = {"required": True, "content": content}
    elif route.multipart is not None:
        form = _resolved(refs[(route.multipart, "validation")], components)
        operation["requestBody"] = {"required": True, "content": _multipart(form)}
    operation["responses"] = _responses(route, refs)
    if not route.public:
        operation["security"] = [{SECURITY_SCHEME: []}]
    return operation


def _path_parameters(rule: str) -> list[Schema]:
    parameters = []
    for name in _RULE_PARAMETER.findall(rule):
        schema: Schema = {"type": "string"}
        if name in PATH_PATTERNS:
            schema["pattern"] = PATH_PATTERNS[name]
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _query_parameters(model: Schema) -> list[Schema]:
    required = set(model.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": schema}
        for name, schema in model.get("properties", {}).items()
    ]


def _multipart(form: Schema) -> Schema:
    pdf = {"type": "string", "format": "binary", "contentMediaType": "application/pdf"}
    schema = {
        "type": "object",
        "properties": {MULTIPART_FILE_FIELD: pdf, **form.get("properties", {})},
        "required": [MULTIPART_FILE_FIELD, *form.get("required", ())],
    }
    return {"multipart/form-data": {"schema": schema}}


def _responses(route: Route[Any], refs: dict[ModelKey, Schema]) -> Schema:
    headers = ["X-Request-ID"]
    if route.rate_class is not None:
        headers += _RATE_LIMIT_HEADERS
    answers: Schema = {}
    # A route may also succeed otherwise (an export of 202 Accepted: it runs as a task),
    # with the same body.
    for status in (route.status, *sorted(s for s in route.errors if s < 400)):
        success: Schema = {
            "description": HTTPStatus(status).phrase,
            "headers": _header_refs(headers),
        }
        if route.response is not None and status != HTTPStatus.NO_CONTENT:
            success["content"] = {_JSON: {"schema": refs[(route.response, "serialization")]}}
        answers[str(status)] = success
    errors = {
        str(status): {"$ref": f"#/components/responses/{_error_name(status)}"}
        for status in sorted(_error_statuses(route))
    }
    return {**answers, **errors}


def _error_responses(routes: list[Route[Any]], refs: dict[ModelKey, Schema]) -> Schema:
    """One shared response per error status: the ErrorResponse body and its headers."""
    content = {_JSON: {"schema": refs[(ErrorResponse, "serialization")]}}
    responses = {}
    for status in sorted(set().union(*map(_error_statuses, routes))):
        headers = ["X-Request-ID"]
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            headers += [*_RATE_LIMIT_HEADERS, "Retry-After"]
        elif status == HTTPStatus.SERVICE_UNAVAILABLE:
            headers.append("Retry-After")
        responses[_error_name(status)] = {
            "description": HTTPStatus(status).phrase,
            "headers": _header_refs(headers),
            "content": content,
        }
    return responses


def _error_name(status: int) -> str:
    return HTTPStatus(status).phrase.replace(" ", "")


def _error_statuses(route: Route[Any]) -> set[int]:
    # Any request may be malformed (a forged cursor, a body the parser cannot take) or
    # carry a body over the route's limit.
    statuses = {400, 413, 500, *(s for s in route.errors if s >= 400)}
    if route.body or route.multipart or route.query:
        statuses.add(422)  # the model's validation
    if route.body:
        statuses.add(415)  # not sent as JSON
    if not route.public:
        statuses.add(401)
    if route.rate_class is not None:
        statuses |= {429, 503}  # quota spent; the limiter fails closed when it is down
    return statuses


def _header_refs(names: list[str]) -> Schema:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _resolved(ref: Schema, components: Schema) -> Schema:
    resolved: Schema = components[ref["$ref"].rsplit("/", 1)[-1]]
    return resolved
