"""Cloud Functions entry points. Each hands its request or event to the instance's
wiring, built once by the composition root."""

from __future__ import annotations

import flask
import functions_framework
from cloudevents.http import CloudEvent

from shared.bootstrap import configure_instance, wiring
from shared.http.framework_errors import answer_framework_errors

configure_instance()
if flask.has_app_context():  # functions-framework loads this module in its app's context
    answer_framework_errors(flask.current_app)


@functions_framework.http
def api(request: flask.Request) -> flask.Response:
    return wiring().api.dispatch(request)


@functions_framework.cloud_event
def on_pdf_uploaded(event: CloudEvent) -> None:
    wiring().storage_trigger.handle(event)


@functions_framework.http
def run_task(request: flask.Request) -> flask.Response:
    return wiring().task_worker.handle(request)
