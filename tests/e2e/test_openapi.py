"""The served OpenAPI document against the API's behaviour: real answers, declared schemas."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest
import requests
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from infra.api_client import ApiClient
from infra.local_stack import LocalStack

pytestmark = pytest.mark.stack

DOCUMENT_URI = "urn:fnt:openapi"
SETTINGS = {
    "sentence_length_limit": 10,
    "engine": "offline",
    "keep_dialogue": False,
    "min_sentence_words": 1,
    "export_format": "csv",
    "export_columns": ["index", "sentence"],
}


@dataclass(frozen=True)
class Exchange:
    method: str
    template: str  # the document's path, after /api/v1
    status: int
    options: dict[str, Any] = field(default_factory=dict)
    job: Literal["completed", "new", "unknown"] = "completed"  # the {job_id}, if any
    token: bool = True
    pdf: bool = False  # sent as the multipart pdf_file


EXCHANGES = {
    "health": Exchange("GET", "/health", 200),
    "deep health": Exchange("GET", "/health", 200, {"params": {"deep": "1"}}),
    "upload": Exchange(
        "POST", "/uploads", 201, {"json": {"filename": "livre.pdf", "size_bytes": 1000}}
    ),
    "estimate": Exchange("POST", "/estimate", 200, {"data": {"engine": "offline"}}, pdf=True),
    "jobs": Exchange("GET", "/jobs", 200, {"params": {"limit": 5}}),
    "job": Exchange("GET", "/jobs/{job_id}", 200),
    "sentences": Exchange("GET", "/jobs/{job_id}/sentences", 200, {"params": {"limit": 20}}),
    "cancel": Exchange("POST", "/jobs/{job_id}/cancel", 200, job="new"),
    "delete": Exchange("DELETE", "/jobs/{job_id}", 204, job="new"),
    "settings": Exchange("GET", "/settings", 200),
    "save settings": Exchange("PUT", "/settings", 200, {"json": SETTINGS}),
    "me": Exchange("GET", "/me", 200),
    "unknown job": Exchange("GET", "/jobs/{job_id}", 404, job="unknown"),
    "invalid settings": Exchange(
        "PUT", "/settings", 422, {"json": {**SETTINGS, "sentence_length_limit": 99}}
    ),
    "already completed": Exchange("POST", "/jobs/{job_id}/cancel", 409),
    "no token": Exchange("GET", "/jobs", 401, token=False),
}


@pytest.fixture(scope="module")
def document(api_url: str) -> dict[str, Any]:
    response = requests.get(f"{api_url}/openapi.json", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def user(client_for: Callable[[str], ApiClient]) -> ApiClient:
    return client_for(f"openapi-{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="module")
def completed_job(user: ApiClient, sample_pdf: bytes) -> str:
    created = user.create_upload("livre.pdf", len(sample_pdf), 8)
    user.put_file(created, sample_pdf)
    job = user.wait(created["job_id"])
    assert job["status"] == "completed"
    return job["job_id"]


def test_the_served_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document, cls=OpenAPIV31SpecValidator)


@pytest.mark.parametrize("name", EXCHANGES)
def test_the_answer_is_what_the_document_declares(
    name: str,
    document: dict[str, Any],
    api_url: str,
    user: ApiClient,
    completed_job: str,
    sample_pdf: bytes,
) -> None:
    exchange = EXCHANGES[name]
    job_id = completed_job
    if exchange.job == "new":
        job_id = user.create_upload("livre.pdf", 1000, 8)["job_id"]
    elif exchange.job == "unknown":
        job_id = uuid.uuid4().hex
    options = dict(exchange.options)
    if exchange.pdf:
        options["files"] = {"pdf_file": ("livre.pdf", sample_pdf, "application/pdf")}
    client = user if exchange.token else ApiClient(api_url, None)

    answer = client.request(exchange.method, exchange.template.format(job_id=job_id), **options)

    assert answer.status_code == exchange.status, answer.text
    pointer = _response_pointer(document, exchange)
    declared = _at(document, pointer)
    assert set(declared.get("headers", {})) <= set(answer.headers)
    if "content" not in declared:
        assert answer.content == b""
        return
    assert answer.headers["Content-Type"].startswith("application/json")
    schema = {"$ref": f"{DOCUMENT_URI}#{pointer}/content/application~1json/schema"}
    errors = list(_validator(document, schema).iter_errors(answer.json()))
    assert not errors, [error.message for error in errors]


def test_the_docs_page_and_every_file_it_names_are_served(stack: LocalStack) -> None:
    origin = stack.function_urls["api"]
    page = requests.get(f"{origin}/api/docs", timeout=30)
    names = re.findall(r'(?:src|href)="/api/docs/([^"]+)"', page.text)

    assert (
        page.status_code == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    )
    assert names
    for name in names:
        assert requests.get(f"{origin}/api/docs/{name}", timeout=30).status_code == 200, name
    outside = requests.get(f"{origin}/api/docs/%2e%2e%2f%2e%2e%2fhttp%2frouter.py", timeout=30)
    assert outside.status_code == 404 and outside.json()["error"]["code"] == "NOT_FOUND"


def _response_pointer(document: dict[str, Any], exchange: Exchange) -> str:
    """Where the declared response is in the document (a JSON pointer), past its $ref."""
    path = _escape(f"/api/v1{exchange.template}")
    at = f"/paths/{path}/{exchange.method.lower()}/responses/{exchange.status}"
    response = _at(document, at)
    return response["$ref"].removeprefix("#") if "$ref" in response else at


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A validator whose $refs resolve in the whole document (its components)."""
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _at(document: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = document
    for part in pointer.lstrip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _escape(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")
