"""Log lines as JSON on stdout, the structured format Cloud Logging parses.

Each record becomes {"severity", "message", "logger", ...}: plus the fields of the
current `log_context` (request id, job id, a hashed user id: never an email or a
token), Cloud Trace correlation of the current span, and any `extra=` fields. An
error with an exception is marked for Error Reporting and carries its traceback.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from shared.observability.tracing import trace_ids

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_REPORTED_ERROR = (
    "type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent"
)
_context: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar(
    "log_context", default=None
)


@contextmanager
def log_context(**fields: object) -> Iterator[None]:
    """Add `fields` to every log line written inside the block (this thread or task)."""
    token = _context.set({**(_context.get() or {}), **fields})
    try:
        yield
    finally:
        _context.reset(token)


def add_log_context(**fields: object) -> None:
    """Add fields to the enclosing `log_context` (e.g. the user, once authenticated)."""
    current = _context.get()
    if current is not None:  # the dict `log_context` made for this block
        current.update(fields)


def user_hash(uid: str) -> str:
    """A stable pseudonym for a user in logs."""
    return hashlib.sha256(f"fnt-user:{uid}".encode()).hexdigest()[:16]


class CloudLoggingFormatter(logging.Formatter):
    def __init__(self, project_id: str | None = None) -> None:
        super().__init__()
        self._project = project_id

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message = f"{message}\n{self.formatException(record.exc_info)}"
        entry: dict[str, object] = {
            "severity": record.levelname,
            "message": message,
            "logger": record.name,
            **(_context.get() or {}),
        }
        if record.exc_info and record.levelno >= logging.ERROR:
            entry["@type"] = _REPORTED_ERROR
        ids = trace_ids()
        if ids and self._project:
            entry["logging.googleapis.com/trace"] = f"projects/{self._project}/traces/{ids[0]}"
            entry["logging.googleapis.com/spanId"] = ids[1]
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """Send the product's logs to stdout as JSON (once per process)."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, CloudLoggingFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(CloudLoggingFormatter(os.environ.get("GOOGLE_CLOUD_PROJECT")))
    root.addHandler(handler)
    root.setLevel(level)
