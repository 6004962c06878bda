"""Answers for what the web framework refuses before a function's code runs (a path its
own routing rejects, such as one with a control character; a body over the server's
limit; a crash), in the same JSON error model and with the same headers as the rest."""

from __future__ import annotations

import flask

from shared.http.responses import error_response
from shared.http.router import request_id_of
from shared.http.security import security_headers


def answer_framework_errors(app: flask.Flask) -> None:
    app.register_error_handler(Exception, _answer)


def _answer(error: Exception) -> flask.Response:
    request_id = request_id_of(flask.request)
    response = error_response(error, request_id)
    response.headers["X-Request-ID"] = request_id
    response.headers.update(security_headers(flask.request.path))
    return response
