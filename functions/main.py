"""Cloud Functions entry points. Each only hands its request or event to shared.entrypoints."""

from __future__ import annotations

import flask
import functions_framework
from cloudevents.http import CloudEvent

from shared.entrypoints import api as api_routes
from shared.entrypoints import chunk_worker, storage_trigger
from shared.entrypoints.runtime import configure_instance

configure_instance()


@functions_framework.http
def api(request: flask.Request) -> flask.Response:
    return api_routes.handle(request)


@functions_framework.cloud_event
def on_pdf_uploaded(event: CloudEvent) -> None:
    storage_trigger.handle(event)


@functions_framework.http
def process_chunk(request: flask.Request) -> flask.Response:
    return chunk_worker.handle(request)
