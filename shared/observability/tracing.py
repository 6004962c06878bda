"""OpenTelemetry tracing, with the W3C `traceparent` carried across every hop.

The API stores the request's traceparent on the job; the storage trigger continues that
trace; chunk tasks carry it in their HTTP headers to the worker. Spans go to Cloud
Trace in production; locally to a JSON-lines file when FNT_TRACE_FILE is set (each
function process appends to it), else nowhere.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

TRACE_FILE_VARIABLE = "FNT_TRACE_FILE"
_propagator = TraceContextTextMapPropagator()
_configured = threading.Lock()
_done = False


def configure_tracing(service: str, production: bool) -> None:
    """Install the tracer provider once per process."""
    global _done
    with _configured:
        if _done:
            return
        provider = TracerProvider(resource=Resource.create({"service.name": service}))
        if production:
            from opentelemetry.exporter.cloud_trace import CloudTraceSpanExporter

            provider.add_span_processor(BatchSpanProcessor(CloudTraceSpanExporter()))
        elif path := os.environ.get(TRACE_FILE_VARIABLE):
            provider.add_span_processor(SimpleSpanProcessor(JsonLinesExporter(path)))
        trace.set_tracer_provider(provider)
        _done = True


def tracer() -> trace.Tracer:
    return trace.get_tracer("fnt")


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent")


@contextmanager
def continued(traceparent: str | None) -> Iterator[None]:
    """Run the block inside the trace `traceparent` names (a no-op without one)."""
    if not traceparent:
        yield
        return
    token = context.attach(_propagator.extract({"traceparent": traceparent}))
    try:
        yield
    finally:
        context.detach(token)


class _Headers(Protocol):
    def get(self, key: str) -> str | None: ...


def traceparent_of(headers: _Headers) -> str | None:
    return headers.get("traceparent") or headers.get("Traceparent")


def trace_ids() -> tuple[str, str] | None:
    """(trace id, span id) of the current span, in hex, for log correlation."""
    span = trace.get_current_span().get_span_context()
    if not span.is_valid:
        return None
    return f"{span.trace_id:032x}", f"{span.span_id:016x}"


class JsonLinesExporter(SpanExporter):
    """Local runs: one JSON line per finished span, appended to a file."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = [json.dumps(_record(span)) + "\n" for span in spans]
        with self._lock, Path(self._path).open("a", encoding="utf-8") as out:
            out.write("".join(lines))
        return SpanExportResult.SUCCESS


def _record(span: ReadableSpan) -> dict[str, object]:
    context_ = span.get_span_context()
    return {
        "name": span.name,
        "service": span.resource.attributes.get("service.name"),
        "trace_id": f"{context_.trace_id:032x}" if context_ else None,
        "span_id": f"{context_.span_id:016x}" if context_ else None,
        "parent_id": f"{span.parent.span_id:016x}" if span.parent else None,
        "attributes": dict(span.attributes or {}),
        "start_ns": span.start_time,
        "end_ns": span.end_time,
    }
