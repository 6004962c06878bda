"""Cloud Tasks queues: retries that match the code, rates that fit the worker and the quota."""

from __future__ import annotations

import pytest

from shared.config import Settings
from tests.terraform.hcl_config import (
    TERRAFORM_DIR,
    Config,
    block,
    evaluate,
    load,
    tfvars,
    variable_defaults,
)

QUEUE = "google_cloud_tasks_queue"


@pytest.fixture(scope="module")
def config() -> Config:
    return load()


def seconds(duration: str) -> float:
    assert duration.endswith("s"), duration
    return float(duration[:-1])


def test_both_queues_exist_with_retry_and_rate_settings(config: Config) -> None:
    queues = config.of_type(QUEUE)
    # The code routes a chunk to "chunks" or "gemini" (shared/service/dispatch.py).
    assert set(queues) == {"chunks", "gemini"}
    for name, body in queues.items():
        retry = block(body, "retry_config")
        rates = block(body, "rate_limits")
        assert {"max_attempts", "min_backoff", "max_backoff", "max_doublings"} <= retry.keys()
        assert seconds(retry["min_backoff"]) < seconds(retry["max_backoff"]), name
        assert retry["max_doublings"] >= 1, name
        assert {"max_dispatches_per_second", "max_concurrent_dispatches"} <= rates.keys()
        assert body["location"] == "${var.region}", "FNT_LOCATION is the region"


def test_max_attempts_equal_the_codes_chunk_max_attempts(config: Config) -> None:
    # The worker fails the job on the last attempt it expects (README, Jobs).
    expected = Settings.model_fields["chunk_max_attempts"].default
    defaults = variable_defaults(config)
    for name, body in config.of_type(QUEUE).items():
        attempts = evaluate(config, block(body, "retry_config")["max_attempts"], defaults)
        assert attempts == expected, name


@pytest.mark.parametrize("source", ["defaults", "dev.tfvars.example", "prod.tfvars.example"])
def test_queue_concurrency_fits_the_worker_and_the_gemini_quota(
    config: Config, source: str
) -> None:
    values = variable_defaults(config)
    if source != "defaults":
        values.update(tfvars(TERRAFORM_DIR / source))

    def rate(queue: str, key: str) -> float:
        return evaluate(config, block(config.resource(QUEUE, queue), "rate_limits")[key], values)

    workers = values["worker_max_instances"]
    chunks = rate("chunks", "max_concurrent_dispatches")
    gemini = rate("gemini", "max_concurrent_dispatches")
    # One request per worker instance: together the queues never dispatch more at once
    # than there are instances, or Cloud Run's 429s would use up task attempts.
    assert chunks >= 1 and gemini >= 1
    assert chunks + gemini <= workers
    assert chunks == int(chunks) and gemini == int(gemini)
    # Gemini chunks in flight stay within the quota (or one, the least possible)...
    per_chunk = evaluate(config, config.local("gemini_rpm_per_chunk"), values)
    assert gemini == 1 or gemini * per_chunk <= values["gemini_requests_per_minute"]
    # ...and so do the chunks started per minute, at the calls a chunk makes.
    started_per_minute = rate("gemini", "max_dispatches_per_second") * 60
    calls = started_per_minute * values["gemini_calls_per_chunk"]
    assert calls <= values["gemini_requests_per_minute"] * 1.0001 or started_per_minute <= 0.6
    assert "var.gemini_requests_per_minute" in config.local("gemini_dispatches_per_sec")


def test_functions_enqueue_only_on_these_queues(config: Config) -> None:
    enqueuers = config.resource("google_cloud_tasks_queue_iam_member", "enqueuers")
    assert '["chunks", "gemini"]' in enqueuers["for_each"]
    assert "google_cloud_tasks_queue.chunks.name" in enqueuers["name"]
    assert "google_cloud_tasks_queue.gemini.name" in enqueuers["name"]
