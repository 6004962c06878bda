"""Cloud Tasks queues: retries that match the code, rates that fit the worker and the quota."""

from __future__ import annotations

import itertools
import json

import pytest

from shared.config import Settings
from tests.terraform.hcl_config import (
    TERRAFORM_DIR,
    Config,
    block,
    evaluate,
    load,
    resolve_local,
    tfvars,
    variable_defaults,
)

QUEUE = "google_cloud_tasks_queue"
# The queues of chunks (shared/service/dispatch.py routes a chunk to one of them);
# webhook deliveries have their own.
CHUNK_QUEUES = ("chunks", "gemini")


@pytest.fixture(scope="module")
def config() -> Config:
    return load()


def seconds(duration: str) -> float:
    assert duration.endswith("s"), duration
    return float(duration[:-1])


def test_the_queues_exist_with_retry_rate_and_logging_settings(config: Config) -> None:
    queues = config.of_type(QUEUE)
    # The code routes a chunk to "chunks" or "gemini" (shared/service/dispatch.py) and
    # a webhook delivery to "webhooks".
    assert set(queues) == {*CHUNK_QUEUES, "webhooks"}
    for name, body in queues.items():
        assert body["name"] == "${var.name_prefix}-" + name
        retry = block(body, "retry_config")
        rates = block(body, "rate_limits")
        assert {"max_attempts", "min_backoff", "max_backoff", "max_doublings"} <= retry.keys()
        assert seconds(retry["min_backoff"]) < seconds(retry["max_backoff"]), name
        assert retry["max_doublings"] >= 1, name
        assert {"max_dispatches_per_second", "max_concurrent_dispatches"} <= rates.keys()
        assert body["location"] == "${var.region}", "FNT_LOCATION is the region"
        assert block(body, "stackdriver_logging_config")["sampling_ratio"] > 0, name


def test_max_attempts_equal_the_codes_chunk_max_attempts(config: Config) -> None:
    # The worker fails the job on the last attempt it expects (README, Jobs).
    expected = Settings.model_fields["chunk_max_attempts"].default
    defaults = variable_defaults(config)
    for name in CHUNK_QUEUES:
        body = config.resource(QUEUE, name)
        attempts = evaluate(config, block(body, "retry_config")["max_attempts"], defaults)
        assert attempts == expected, name


def test_the_webhooks_queue_retries_a_few_times_soon_with_backoff(config: Config) -> None:
    # The worker schedules a failed delivery's next attempt itself, as a new task; the
    # queue only retries a worker that did not handle the task: a few times, soon.
    retry = block(config.resource(QUEUE, "webhooks"), "retry_config")
    assert 2 <= retry["max_attempts"] <= 10
    assert retry["max_retry_duration"] == "0s", "the attempts decide"
    assert seconds(retry["min_backoff"]) >= 1
    assert seconds(retry["max_backoff"]) <= 3600
    assert retry["max_doublings"] >= 2, "exponential backoff"
    rates = block(config.resource(QUEUE, "webhooks"), "rate_limits")
    assert 1 <= rates["max_dispatches_per_second"] <= 100


def test_the_webhooks_queue_posts_only_to_the_worker_as_its_own_account(config: Config) -> None:
    # Whatever a task says, it goes to the worker with a token of the webhook tasks
    # account for the worker's URL: that token never reaches a user's endpoint.
    target = block(config.resource(QUEUE, "webhooks"), "http_target")
    assert target["http_method"] == "POST"
    token = block(target, "oidc_token")
    assert token["service_account_email"] == "${google_service_account.webhook_tasks.email}"
    assert token["audience"] == "${local.worker_url}"
    assert "oauth_token" not in target
    uri = block(target, "uri_override")
    assert uri["uri_override_enforce_mode"] == "ALWAYS"
    assert uri["scheme"] == "HTTPS"
    assert uri["host"] == "${local.worker_host}"
    assert block(uri, "path_override")["path"] == "/${local.function_names.worker}"
    assert "query_override" not in uri and "port" not in uri
    # The host is the worker URL's: https://HOST/PATH spells the URL again.
    worker_url = config.local("worker_url")
    assert config.local("worker_host") == (
        '${split("/", trimprefix(local.worker_url, "https://"))[0]}'
    )
    host = worker_url.removeprefix("https://").split("/")[0]
    assert worker_url == f"https://{host}/${{local.function_names.worker}}"
    assert "cloudfunctions.net" in host
    # The chunk queues take the task's own token (the tasks account's).
    for name in CHUNK_QUEUES:
        assert "http_target" not in config.resource(QUEUE, name), name


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
    webhooks = rate("webhooks", "max_concurrent_dispatches")
    # One request per worker instance: together the queues never dispatch more at once
    # than there are instances, or Cloud Run's 429s would use up task attempts.
    assert chunks >= 1 and gemini >= 1 and webhooks >= 1
    assert chunks + gemini + webhooks <= workers
    assert all(n == int(n) for n in (chunks, gemini, webhooks))
    # Deliveries take a share of the worker, never most of it.
    assert webhooks <= max(1, workers // 4)
    assert webhooks <= values["webhook_max_concurrent"]
    # Gemini chunks in flight stay within the quota (or one, the least possible)...
    per_chunk = evaluate(config, config.local("gemini_rpm_per_chunk"), values)
    assert gemini == 1 or gemini * per_chunk <= values["gemini_requests_per_minute"]
    # ...and so do the chunks started per minute, at the calls a chunk makes.
    started_per_minute = rate("gemini", "max_dispatches_per_second") * 60
    calls = started_per_minute * values["gemini_calls_per_chunk"]
    assert calls <= values["gemini_requests_per_minute"] * 1.0001 or started_per_minute <= 0.6
    assert "var.gemini_requests_per_minute" in config.local("gemini_dispatches_per_sec")


def test_every_queue_gets_an_instance_at_any_allowed_size(config: Config) -> None:
    condition = config.variables["worker_max_instances"]["validation"][0]["condition"]
    assert "var.worker_max_instances >= 3" in condition, "three queues, one instance each"
    sizes = itertools.product([3, 4, 5, 7, 8, 13, 40, 1000], [1, 10, 1000, 100000], [1, 4, 100])
    for workers, quota, webhook_concurrency in sizes:
        values = variable_defaults(config)
        values.update(
            worker_max_instances=workers,
            gemini_requests_per_minute=quota,
            webhook_max_concurrent=webhook_concurrency,
        )
        shares = {
            name: evaluate(
                config,
                block(config.resource(QUEUE, name), "rate_limits")["max_concurrent_dispatches"],
                values,
            )
            for name in config.of_type(QUEUE)
        }
        assert min(shares.values()) >= 1, (values, shares)
        assert sum(shares.values()) <= workers, (values, shares)


def test_functions_enqueue_only_on_these_queues(config: Config) -> None:
    enqueuers = config.resource("google_cloud_tasks_queue_iam_member", "enqueuers")
    assert '["chunks", "gemini"]' in enqueuers["for_each"]
    assert '["api", "trigger"]' in enqueuers["for_each"], "the worker enqueues no chunks"
    assert "google_cloud_tasks_queue.chunks.name" in enqueuers["name"]
    assert "google_cloud_tasks_queue.gemini.name" in enqueuers["name"]
    assert "webhooks" not in enqueuers["name"]


def test_the_api_trigger_and_worker_enqueue_webhook_deliveries_there_only(
    config: Config,
) -> None:
    grants = config.resource("google_cloud_tasks_queue_iam_member", "webhook_enqueuers")
    assert grants["role"] == "roles/cloudtasks.enqueuer"
    assert grants["name"] == "${google_cloud_tasks_queue.webhooks.name}"
    assert grants["member"] == "serviceAccount:${each.value}"
    assert grants["location"] == "${var.region}"
    accounts = resolve_local(config, grants["for_each"])
    assert accounts == {
        role: f"${{google_service_account.{role}.email}}" for role in ("api", "trigger", "worker")
    }
    # Queue-level grants only: nobody enqueues project-wide.
    assert "cloudtasks" not in json.dumps(config.of_type("google_project_iam_member"))
    assert "cloudtasks" not in json.dumps(config.local("function_project_roles"))
    on_webhooks = [
        name
        for name, body in config.of_type("google_cloud_tasks_queue_iam_member").items()
        if "webhooks" in body["name"]
    ]
    assert on_webhooks == ["webhook_enqueuers"]
