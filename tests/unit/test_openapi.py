"""The OpenAPI document follows the routes' declarations; the docs are served safely."""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import sys
import uuid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import flask
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from pydantic import BaseModel, computed_field, create_model
from pydantic.json_schema import JsonSchemaMode

import shared
from shared.domain.errors import AppError
from shared.domain.jobs import JOB_ONLY_CODES
from shared.entrypoints import api, docs
from shared.http.openapi import openapi_document
from shared.http.router import Call, Route, Routes
from shared.http.schemas import ErrorResponse
from tests.apps import (
    api_router,
    auth_emulator_mode,  # noqa: F401 (an autouse fixture)
    call,
)
from tests.fakes import fake_world

REF = "#/components/schemas/{model}"


def routes() -> list[Route[Any]]:
    docs.register(api.routes, api.PREFIX)  # a no-op once api.py registers the docs itself
    return list(api.routes.routes.values())


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    routes()
    return openapi_document(api.routes, title="API", version="v1")


def template(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def operation(document: dict[str, Any], route: Route) -> dict[str, Any]:
    return document["paths"][template(route.path)][route.method.lower()]


def resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def model_schema(model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, Any]:
    schema = model.model_json_schema(mode=mode, ref_template=REF)
    schema.pop("$defs", None)
    return schema


def get(path: str, **kwargs: Any) -> flask.Response:
    return call(api_router(fake_world().deps).dispatch, path, **kwargs)


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document, cls=OpenAPIV31SpecValidator)

    assert document["openapi"] == "3.1.0"


def test_a_server_url_is_declared_only_when_given(document: dict[str, Any]) -> None:
    served = openapi_document(api.routes, title="API", version="v1", server_url="https://x.test")

    assert "servers" not in document  # clients then call the origin the document came from
    assert served["servers"] == [{"url": "https://x.test"}]


def test_every_route_is_documented_once_under_its_handlers_name(
    document: dict[str, Any],
) -> None:
    documented = {
        (method.upper(), path): item[method]["operationId"]
        for path, item in document["paths"].items()
        for method in item
    }

    assert documented == {
        (route.method, template(route.path)): route.handler.__name__ for route in routes()
    }
    assert len(set(documented.values())) == len(documented)


@pytest.mark.parametrize("route", routes(), ids=lambda route: route.handler.__name__)
def test_only_public_routes_go_without_the_firebase_token(
    document: dict[str, Any], route: Route
) -> None:
    op = operation(document, route)

    assert op.get("security") == (None if route.public else [{"firebase": []}])
    assert ("401" in op["responses"]) is not route.public


def test_the_token_is_a_firebase_id_token_as_bearer(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"]["firebase"]

    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")


@pytest.mark.parametrize(
    "route", [r for r in routes() if r.body], ids=lambda route: route.handler.__name__
)
def test_a_json_body_is_the_models_schema(document: dict[str, Any], route: Route) -> None:
    assert route.body is not None
    body = operation(document, route)["requestBody"]

    schema = resolve(document, body["content"]["application/json"]["schema"])
    assert body["required"] is True
    assert schema == model_schema(route.body, "validation")


@pytest.mark.parametrize(
    "route", [r for r in routes() if r.multipart], ids=lambda route: route.handler.__name__
)
def test_a_multipart_body_is_the_pdf_and_the_models_fields(
    document: dict[str, Any], route: Route
) -> None:
    assert route.multipart is not None
    form = operation(document, route)["requestBody"]["content"]["multipart/form-data"]["schema"]
    fields = model_schema(route.multipart, "validation")

    assert form["properties"] == {
        "pdf_file": {"type": "string", "format": "binary", "contentMediaType": "application/pdf"},
        **fields["properties"],
    }
    assert form["required"] == ["pdf_file", *fields.get("required", [])]


@pytest.mark.parametrize(
    "route", [r for r in routes() if r.query], ids=lambda route: route.handler.__name__
)
def test_query_parameters_are_the_models_fields(document: dict[str, Any], route: Route) -> None:
    assert route.query is not None
    parameters = [p for p in operation(document, route)["parameters"] if p["in"] == "query"]
    fields = model_schema(route.query, "validation")["properties"]

    assert {p["name"]: p["required"] for p in parameters} == {
        name: field.is_required() for name, field in route.query.model_fields.items()
    }
    assert all(p["schema"] == fields[p["name"]] for p in parameters)


@pytest.mark.parametrize(
    "route", [r for r in routes() if "<job_id>" in r.path], ids=lambda route: route.handler.__name__
)
def test_a_job_id_in_the_path_is_32_hex_digits(document: dict[str, Any], route: Route) -> None:
    (parameter,) = [p for p in operation(document, route)["parameters"] if p["in"] == "path"]
    pattern = re.compile(parameter["schema"]["pattern"])

    assert (parameter["name"], parameter["required"]) == ("job_id", True)
    assert pattern.match(uuid.uuid4().hex) and not pattern.match("../" + "a" * 29)


@pytest.mark.parametrize("route", routes(), ids=lambda route: route.handler.__name__)
def test_answers_are_the_models_and_errors_the_error_body(
    document: dict[str, Any], route: Route
) -> None:
    responses = dict(operation(document, route)["responses"])
    other_successes = [status for status in route.errors if status < 400]  # 202: queued
    successes = [
        resolve(document, responses.pop(str(status))) for status in (route.status, *other_successes)
    ]
    errors = {status: resolve(document, response) for status, response in responses.items()}
    error_schema = model_schema(ErrorResponse, "serialization")

    for success in successes:
        if route.response is None or route.status == 204:
            assert "content" not in success
        else:
            schema = resolve(document, success["content"]["application/json"]["schema"])
            assert schema == model_schema(route.response, "serialization")
        assert "X-Request-ID" in success["headers"]
    assert {str(s) for s in (*route.errors, 500) if s >= 400} <= set(errors)
    for response in errors.values():
        schema = resolve(document, response["content"]["application/json"]["schema"])
        assert schema == error_schema
        assert "X-Request-ID" in response["headers"]


@pytest.mark.parametrize(
    "route", [r for r in routes() if r.rate_class], ids=lambda route: route.handler.__name__
)
def test_rate_limited_routes_document_their_limit_headers_and_429(
    document: dict[str, Any], route: Route
) -> None:
    responses = operation(document, route)["responses"]
    limits = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}

    assert limits <= set(resolve(document, responses[str(route.status)])["headers"])
    assert limits | {"Retry-After"} <= set(resolve(document, responses["429"])["headers"])
    assert "Retry-After" in resolve(document, responses["503"])["headers"]


def test_models_of_one_name_or_two_modes_get_a_schema_each() -> None:
    first = create_model("Settings", __module__="first", size=(int, 1))
    second = create_model("Settings", __module__="second", name=(str, ...))

    class Book(BaseModel):
        pages: int

        @computed_field  # type: ignore[prop-decorator]
        @property
        def long(self) -> bool:  # only in the serialized Book
            return self.pages > 300

    def handler(call: Call[Any, None], context: object) -> BaseModel:
        raise AssertionError("only documented")

    def declared(body: type[BaseModel], response: type[BaseModel]) -> Any:
        def typed(call: Call[Any, None], context: object) -> BaseModel:
            return handler(call, context)

        typed.__annotations__ = {"call": Call[body, None], "context": object, "return": response}  # type: ignore[valid-type]
        return typed

    table: Routes[object] = Routes()
    table.route("POST", "/first", "First")(declared(first, Book))
    table.route("PUT", "/second", "Second")(declared(Book, second))
    document = openapi_document(table, title="Clash", version="1")

    used: dict[tuple[type[BaseModel], JsonSchemaMode], dict[str, Any]] = {
        (first, "validation"): document["paths"]["/first"]["post"]["requestBody"],
        (Book, "validation"): document["paths"]["/second"]["put"]["requestBody"],
        (Book, "serialization"): document["paths"]["/first"]["post"]["responses"]["200"],
        (second, "serialization"): document["paths"]["/second"]["put"]["responses"]["200"],
    }
    refs = {
        key: node["content"]["application/json"]["schema"]["$ref"] for key, node in used.items()
    }
    assert len(set(refs.values())) == 4
    for (model, mode), ref in refs.items():
        assert resolve(document, {"$ref": ref}) == model_schema(model, mode)


class Page(HTMLParser):
    """The page's script and link URLs, any inline script text, and data attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self.data: dict[str, str] = {}
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {name: value or "" for name, value in attrs}
        self.handlers += [name for name in named if name.startswith("on")]
        self.data.update({k: v for k, v in named.items() if k.startswith("data-")})
        if tag == "script":
            self._in_script = True
            self.urls.append(named.get("src", ""))
        elif tag == "link":
            self.urls.append(named["href"])

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(data)


def test_the_docs_page_loads_only_its_own_files_and_has_no_inline_script() -> None:
    response = get("/api/docs")
    page = Page()
    page.feed(response.get_data(as_text=True))

    assert (response.status_code, response.mimetype) == (200, "text/html")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert (page.inline, page.handlers) == ([], [])
    assert page.urls and all(url.startswith("/api/docs/") for url in page.urls)
    assert page.data == {"data-openapi-url": "/api/v1/openapi.json"}


def test_every_file_the_docs_page_names_is_served_with_its_type() -> None:
    page = Page()
    page.feed(get("/api/docs").get_data(as_text=True))
    types = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}

    for url in page.urls:
        response = get(url)
        assert response.status_code == 200, url
        assert response.mimetype == types[url[url.rindex(".") :]]
        assert response.get_data()


def test_the_initializer_starts_swagger_ui_on_the_pages_document_url() -> None:
    script = get("/api/docs/swagger-initializer.js").get_data(as_text=True)

    assert "SwaggerUIBundle(" in script and "dataset.openapiUrl" in script


def test_the_document_is_served_as_json(document: dict[str, Any]) -> None:
    response = get("/api/v1/openapi.json")

    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert json.loads(response.get_data())["paths"] == document["paths"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/docs/../x",
        "/api/docs/../../shared/entrypoints/api.py",
        "/api/docs/%2e%2e/api.py",
        "/api/docs/..%2f..%2fapi.py",
        "/api/docs/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/docs/%252e%252e%252fapi.py",
        "/api/docs/LICENSE",
        "/api/docs/nothing.js",
    ],
)
def test_a_path_to_anything_but_a_docs_file_is_not_found(path: str) -> None:
    response = get(path)

    assert response.status_code == 404
    error = json.loads(response.get_data())["error"]
    assert error["code"] in {"NOT_FOUND", "ROUTE_NOT_FOUND"}
    assert error["request_id"] == response.headers["X-Request-ID"]


def test_registering_the_docs_twice_changes_nothing() -> None:
    before = dict(api.routes.routes)

    docs.register(api.routes, api.PREFIX)

    assert api.routes.routes == before


def _every_error_class() -> set[type[AppError]]:
    for module in pkgutil.walk_packages(shared.__path__, "shared."):
        importlib.import_module(module.name)
    found: set[type[AppError]] = set()
    pending = [AppError]
    while pending:
        error = pending.pop()
        found.add(error)
        pending += error.__subclasses__()
    return found


def test_the_written_document_lists_every_error_code_as_an_enum(tmp_path: Path) -> None:
    # Written by the command a client's build runs, in a process of its own, which imports
    # only the API: an error class the API does not import would be missing from the enum.
    out = tmp_path / "openapi.json"
    subprocess.run([sys.executable, "-m", "shared.cli", "openapi", "--out", str(out)], check=True)
    written = json.loads(out.read_text(encoding="utf-8"))
    schemas = written["components"]["schemas"]

    # Other tests may have loaded error classes of tools outside the product (infra/).
    product = {error for error in _every_error_class() if error.__module__.startswith("shared.")}
    expected = {error.code for error in product}.union(JOB_ONLY_CODES)
    for model in ("ErrorDetail", "ErrorView"):
        assert set(schemas[model]["properties"]["code"]["enum"]) == expected
    assert (
        written["paths"].keys()
        == openapi_document(api.routes, title="", version="")["paths"].keys()
    )
