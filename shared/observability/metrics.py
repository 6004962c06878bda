"""Metrics with OpenTelemetry: request latency and errors, jobs, chunks, model calls, usage.

Exported to Cloud Monitoring in production (every 60 s); elsewhere recorded without an
exporter unless a test installs a reader.
"""

from __future__ import annotations

import threading

from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource

EXPORT_INTERVAL_MS = 60_000
_configured = threading.Lock()
_done = False


def configure_metrics(service: str, production: bool, reader: MetricReader | None = None) -> None:
    global _done
    with _configured:
        if _done:
            return
        readers: list[MetricReader] = [reader] if reader else []
        if production:
            from opentelemetry.exporter.cloud_monitoring import CloudMonitoringMetricsExporter

            readers.append(
                PeriodicExportingMetricReader(
                    CloudMonitoringMetricsExporter(), export_interval_millis=EXPORT_INTERVAL_MS
                )
            )
        resource = Resource.create({"service.name": service})
        metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers))
        _done = True


class Instruments:
    """Created on first use, from whatever meter provider is installed then."""

    def __init__(self) -> None:
        meter = metrics.get_meter("fnt")
        self.request_latency = meter.create_histogram(
            "api.request.duration", unit="ms", description="API request latency"
        )
        self.request_errors = meter.create_counter(
            "api.request.errors", description="API answers with a 5xx status"
        )
        self.jobs_finished = meter.create_counter(
            "jobs.finished", description="Jobs that reached a final status"
        )
        self.chunk_duration = meter.create_histogram(
            "chunks.duration", unit="s", description="Time to process one chunk"
        )
        self.model_calls = meter.create_counter(
            "model.calls", description="Calls to the model, by outcome"
        )
        # Usage analytics (shared/service/usage_counting.py), each by plan: counted once
        # per job end, export or admitted API request, as the usage counters count them.
        self.usage_books = meter.create_counter(
            "usage.books", description="Books that ended, by plan and status"
        )
        self.usage_pages = meter.create_counter(
            "usage.pages", description="Pages of the books that ended, by plan"
        )
        self.usage_sentences = meter.create_counter(
            "usage.sentences", description="Sentences of the books that ended, by plan"
        )
        self.usage_model_tokens = meter.create_counter(
            "usage.model_tokens", description="Model tokens of the books that ended, by kind"
        )
        self.usage_cost = meter.create_counter(
            "usage.cost_micro_usd",
            description="Estimated model cost of the books that ended, in millionths of a USD",
        )
        self.usage_exports = meter.create_counter(
            "usage.exports", description="Exports done, by plan and kind"
        )
        self.usage_failures = meter.create_counter(
            "usage.failures", description="Books that failed, by plan and error code"
        )
        self.usage_requests = meter.create_counter(
            "usage.api_requests", description="API requests admitted, by plan and rate class"
        )


_instruments: Instruments | None = None
_lock = threading.Lock()


def instruments() -> Instruments:
    global _instruments
    with _lock:
        if _instruments is None:
            _instruments = Instruments()
        return _instruments
