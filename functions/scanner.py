"""The malware scanner service's entry point (Cloud Run, beside clamd in one container;
served by functions-framework like the functions). Only the storage trigger calls it."""

from __future__ import annotations

import flask
import functions_framework

from shared.bootstrap import malware_scanner
from shared.observability.logs import configure_logging

configure_logging()


@functions_framework.http
def scan_upload(request: flask.Request) -> flask.Response:
    return malware_scanner().handle(request)
