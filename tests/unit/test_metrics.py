"""The service layer's metrics, read back through an in-memory reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from shared.observability.metrics import configure_metrics
from shared.service.deps import Limits
from tests.drive import completed_job
from tests.fakes import fake_world

SAMPLE = (Path(__file__).parents[2] / "samples" / "sample-novel.pdf").read_bytes()


@pytest.fixture(scope="module")
def reader() -> InMemoryMetricReader:
    reader = InMemoryMetricReader()
    configure_metrics("unit-tests", production=False, reader=reader)
    return reader


def points(reader: InMemoryMetricReader) -> dict[str, list[object]]:
    data = reader.get_metrics_data()
    found: dict[str, list[object]] = {}
    for resource in data.resource_metrics if data else []:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                found.setdefault(metric.name, []).extend(metric.data.data_points)
    return found


def test_a_finished_job_and_its_chunks_are_counted(reader: InMemoryMetricReader) -> None:
    world = fake_world(Limits(pages_per_chunk=15))
    completed_job(world, SAMPLE)

    found = points(reader)
    finished = [p for p in found["jobs.finished"] if p.attributes["status"] == "completed"]  # type: ignore[attr-defined]
    assert sum(p.value for p in finished) >= 1  # type: ignore[attr-defined]
    durations = found["chunks.duration"]
    assert sum(p.count for p in durations) >= 2  # type: ignore[attr-defined]
