"""The API's documentation: its OpenAPI document, and Swagger UI to read and try it.

Swagger UI's files come from the flask-swagger-ui package, served from this origin (no
CDN), and the page has no inline script: the docs' CSP allows only same-origin scripts.
"""

from __future__ import annotations

import functools
import html
import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import flask

from shared.domain.errors import NotFound
from shared.http.openapi import openapi_document
from shared.http.router import Call, Routes
from shared.http.security import DOCS_PREFIX

TITLE = "French Novel Tool API"
INITIALIZER = Path(__file__).with_name("swagger-initializer.js")
# Served under nosniff, so each file needs its true type; other files are not served.
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{docs}/swagger-ui.css">
<link rel="stylesheet" href="{docs}/index.css">
<link rel="icon" type="image/png" href="{docs}/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{document}"></div>
<script src="{docs}/swagger-ui-bundle.js"></script>
<script src="{docs}/{initializer}"></script>
</body>
</html>
"""


def register(routes: Routes[Any], prefix: str) -> None:
    """Add the document at {prefix}/openapi.json and the docs page (once per table)."""
    document_path = f"{prefix}/openapi.json"
    if any(route.path == document_path for route in routes.routes.values()):
        return

    @functools.cache
    def document() -> bytes:
        # Built at the first request, once every route is registered.
        return json.dumps(api_document(routes, prefix)).encode()

    def openapi_json(call: Call[None, None], context: object) -> flask.Response:
        return flask.Response(document(), mimetype="application/json")

    def docs_page(call: Call[None, None], context: object) -> flask.Response:
        page = _PAGE.format(
            title=TITLE,
            docs=DOCS_PREFIX,
            document=html.escape(document_path),
            initializer=INITIALIZER.name,
        )
        return flask.Response(page, mimetype="text/html")

    summaries = {
        document_path: ("This API's OpenAPI 3.1 document", openapi_json, ()),
        DOCS_PREFIX: ("Swagger UI on the OpenAPI document", docs_page, ()),
        f"{DOCS_PREFIX}/<path:asset>": (
            "Swagger UI's scripts, styles and icons",
            docs_asset,
            (404,),
        ),
    }
    for path, (summary, handler, errors) in summaries.items():
        routes.route("GET", path, summary, public=True, rate_class=None, errors=errors)(handler)


def api_document(routes: Routes[Any], prefix: str) -> dict[str, Any]:
    """The OpenAPI document of `routes`, versioned by the last part of `prefix` (v1)."""
    return openapi_document(routes, title=TITLE, version=prefix.rsplit("/", 1)[-1])


def docs_asset(call: Call[None, None], context: object) -> flask.Response:
    name = call.path["asset"]
    asset = assets().get(name)
    if asset is None:  # only known names: no path from the request reaches the disk
        raise NotFound("No such file.", details={"asset": name[:64]})
    return flask.Response(asset.read_bytes(), content_type=CONTENT_TYPES[Path(name).suffix])


@functools.cache
def assets() -> dict[str, Traversable]:
    """The files the page may load, by name: Swagger UI's dist and our initializer."""
    dist = files("flask_swagger_ui") / "dist"
    found: dict[str, Traversable] = {
        file.name: file
        for file in dist.iterdir()
        if file.is_file() and Path(file.name).suffix in CONTENT_TYPES
    }
    found[INITIALIZER.name] = INITIALIZER
    return found
