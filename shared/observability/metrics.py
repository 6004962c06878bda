"""Metrics with OpenTelemetry: request latency and errors, jobs, chunks, model calls.

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


_instruments: Instruments | None = None
_lock = threading.Lock()


def instruments() -> Instruments:
    global _instruments
    with _lock:
        if _instruments is None:
            _instruments = Instruments()
        return _instruments
