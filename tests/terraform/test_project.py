"""The configuration as a whole: providers, inputs and outputs, APIs, monitoring, CI."""

from __future__ import annotations

import inspect
import json
import logging
import re
from typing import Any

import pytest
import yaml

from shared.adapters import genai_errors as gemini_client
from shared.entrypoints import storage_trigger, task_worker
from shared.observability.logs import CloudLoggingFormatter
from shared.service import chunks, dispatch, upload_checks
from tests.terraform.hcl_config import (
    REPO_ROOT,
    TERRAFORM_DIR,
    Config,
    address,
    block,
    keyed_instances,
    load,
    reference,
    resolve_local,
    resource_instances,
    secret_grants,
    tfvars,
)

METRIC = "google_logging_metric"
ALERT = "google_monitoring_alert_policy"


@pytest.fixture(scope="module")
def config() -> Config:
    return load()


def test_providers_and_state_backend(config: Config) -> None:
    (settings,) = config.terraform
    assert settings["required_version"] == ">= 1.6"
    providers = settings["required_providers"][0]
    assert providers["google"] == {"source": "hashicorp/google", "version": "~> 6.0"}
    assert providers["google-beta"] == {"source": "hashicorp/google-beta", "version": "~> 6.0"}
    assert providers["archive"]["source"] == "hashicorp/archive"
    assert providers["time"]["source"] == "hashicorp/time"
    # Documented, commented out: a backend block cannot take variables.
    assert re.search(r'^\s*# backend "gcs" \{', config.texts["versions.tf"], re.M)


def test_every_variable_is_described_and_the_important_ones_validated(config: Config) -> None:
    for name, body in config.variables.items():
        assert len(body.get("description", "")) > 20, f"variable {name} needs a description"
    validated = {name for name, body in config.variables.items() if body.get("validation")}
    assert {
        "project_id",
        "region",
        "notification_email",
        "cors_origins",
        "rate_limits",
        "sheets_mode",
        "upload_retention_days",
        "export_retention_days",
        "gemini_requests_per_minute",
        "worker_max_instances",
        "api_max_instances",
    } <= validated
    required = {name for name, body in config.variables.items() if "default" not in body}
    assert required == {"project_id", "region"}, "apply needs only a project and a region"


def test_outputs_give_the_frontend_and_operators_what_they_need(config: Config) -> None:
    for name, body in config.outputs.items():
        assert len(body.get("description", "")) > 20, f"output {name} needs a description"
    assert {
        "api_url",
        "worker_url",
        "uploads_bucket",
        "exports_bucket",
        "queues",
        "service_accounts",
        "gemini_api_key_secret",
        "webhook_signing_key_secret",
    } <= config.outputs.keys()
    assert config.outputs["api_url"]["value"].endswith("/api/v1")
    assert "webhooks" in config.outputs["queues"]["value"]
    assert "webhook_tasks" in config.outputs["service_accounts"]["value"]


@pytest.mark.parametrize("name", ["dev.tfvars.example", "prod.tfvars.example"])
def test_example_tfvars_only_set_declared_variables(config: Config, name: str) -> None:
    values = tfvars(TERRAFORM_DIR / name)
    assert {"project_id", "region"} <= values.keys()
    undeclared = values.keys() - config.variables.keys()
    assert not undeclared, f"{name} sets undeclared variables {undeclared}"
    assert not values["project_id"].startswith("demo-")


def test_the_apis_the_system_uses_are_enabled(config: Config) -> None:
    enabled = set(re.findall(r'"([a-z]+\.googleapis\.com)"', config.local("apis")))
    assert {
        f"{api}.googleapis.com"
        for api in (
            "cloudfunctions",
            "run",
            "cloudbuild",
            "artifactregistry",
            "eventarc",
            "pubsub",
            "storage",
            "firestore",
            "cloudtasks",
            "secretmanager",
            "iam",
            "iamcredentials",
            "monitoring",
            "logging",
            "cloudtrace",
            "sheets",
            "drive",
        )
    } <= enabled
    service = config.resource("google_project_service", "enabled")
    assert service["disable_on_destroy"] is False


def log_metric(config: Config, name: str) -> dict[str, Any]:
    """A log-based metric (an instance of the one resource over local.log_metrics)."""
    return resource_instances(config, METRIC)[address(METRIC, "log_count", name)]


def label_extractors(config: Config, name: str) -> dict[str, str]:
    """The label extractors a log-based metric gets: its labels' (none: left out)."""
    written = config.resource(METRIC, "log_count")["label_extractors"]
    assert written == (
        "${length(each.value.labels) == 0 ? null : "
        "{for key, label in each.value.labels : key => label.extractor}}"
    )
    labels = config.local("log_metrics")[name]["labels"]
    return {key: label["extractor"] for key, label in labels.items()}


def metric_regexes(config: Config, name: str) -> list[str]:
    """The jsonPayload.message regexes of a log-based metric's filter."""
    text = log_metric(config, name)["filter"]
    return re.findall(r'jsonPayload\.message=~\\?"(.*?)\\?"', text)


def alerts(config: Config) -> dict[str, dict[str, Any]]:
    """Every alert policy by name: the instances of a for_each by their key."""
    found: dict[str, dict[str, Any]] = {}
    for name, body in config.of_type(ALERT).items():
        named = keyed_instances(config, body)
        for key, instance in named.items():
            assert (key or name) not in found, f"two alert policies named {key or name}"
            found[key or name] = instance
    return found


def alert_metric(config: Config, name: str) -> str:
    """The log-based metric an alert on one watches (its key in local.log_metrics)."""
    (condition,) = alerts(config)[name]["conditions"]
    written = block(condition, "condition_threshold")["filter"]
    assert written == "${local.log_metric_filters[each.value.metric]}", name
    return str(config.local("log_alerts")[name]["metric"])


def test_a_log_metric_filter_selects_that_metric_on_cloud_run(config: Config) -> None:
    # The series alerts and the dashboard read: the metric's own, of the functions.
    assert config.local("log_metric_filters") == (
        "${{for key, metric in google_logging_metric.log_count : "
        'key => "metric.type=\\"logging.googleapis.com/user/${metric.name}\\" '
        'AND resource.type=\\"cloud_run_revision\\""}}'
    )
    body = config.resource(METRIC, "log_count")
    assert body["for_each"] == "${local.log_metrics}"
    descriptor = block(body, "metric_descriptor")
    assert (descriptor["metric_kind"], descriptor["value_type"]) == ("DELTA", "INT64")
    for name, metric in config.local("log_metrics").items():
        assert log_metric(config, name)["name"] == metric["name"], name


def test_log_based_metrics_match_the_lines_the_code_writes(config: Config) -> None:
    # The formats the metrics rely on; if one changes, update monitoring.tf with it.
    worker_line = "task %s attempt %d: %s"
    trigger_line = "event %s for %s: %s"
    retry_line = "task %s attempt %d failed: %s"
    assert f'"{worker_line}"' in inspect.getsource(task_worker.TaskWorker.handle)
    assert f'"{retry_line}"' in inspect.getsource(task_worker.TaskWorker.handle)
    assert f'"{trigger_line}"' in inspect.getsource(storage_trigger)
    assert 'f"failed: {error.code}"' in inspect.getsource(chunks)
    assert 'f"rejected: {problem.code}"' in inspect.getsource(dispatch)
    assert 'f"queued: {chunk_count} chunks"' in inspect.getsource(dispatch)
    assert 'f"Gemini answered {exc.code} {exc.status}' in inspect.getsource(gemini_client)

    failed_chunk = worker_line % ("t", 3, "failed: PDF_DAMAGED")
    refused = trigger_line % ("e", "uploads/j.pdf", "rejected: NOT_A_PDF")
    queued = trigger_line % ("e", "uploads/j.pdf", "queued: 4 chunks")
    recorded = worker_line % ("t", 1, "recorded: 120 sentences")
    gemini_429 = retry_line % ("t", 2, "Gemini answered 429 RESOURCE_EXHAUSTED: quota")
    gemini_503 = retry_line % ("t", 2, "Gemini answered 503 UNAVAILABLE: busy")

    def matches(name: str, line: str) -> bool:
        return any(re.search(regex, line) for regex in metric_regexes(config, name))

    assert matches("jobs_failed", failed_chunk) and matches("jobs_failed", refused)
    assert not matches("jobs_failed", queued) and not matches("jobs_failed", recorded)
    assert matches("jobs_started", queued) and matches("jobs_started", refused)
    assert not matches("jobs_started", failed_chunk)
    assert matches("gemini_429", gemini_429) and not matches("gemini_429", gemini_503)
    infected_line = "upload infected: %s"
    assert f'"{infected_line}"' in inspect.getsource(upload_checks)
    assert matches("uploads_infected", infected_line % "Eicar-Test-Signature")
    assert not matches("uploads_infected", refused)

    extractor = label_extractors(config, "jobs_failed")
    code = re.search(r'REGEXP_EXTRACT\(jsonPayload\.message, "(.*)"\)', extractor["error_code"])
    assert code
    assert re.search(code.group(1), failed_chunk).group(1) == "PDF_DAMAGED"  # type: ignore[union-attr]
    assert re.search(code.group(1), refused).group(1) == "NOT_A_PDF"  # type: ignore[union-attr]

    api_5xx = log_metric(config, "api_5xx")["filter"]
    assert "local.service_logs.api" in api_5xx and "httpRequest.status>=500" in api_5xx
    errors = log_metric(config, "worker_errors")["filter"]
    assert "local.service_logs.worker" in errors and "severity>=ERROR" in errors


def test_alerts_cover_the_failures_that_matter(config: Config) -> None:
    policies = alerts(config)
    assert {
        "api_5xx_rate",
        "job_failure_rate",
        "queue_backlog",
        "worker_errors",
        "gemini_429_rate",
        "uploads_infected",
        "webhook_delivery_failures",
        "webhook_endpoint_disabled",
    } <= policies.keys()
    for name, body in policies.items():
        assert body["notification_channels"] == "${local.notification_channels}", name
        assert block(body, "documentation")["content"], name
    filters = " ".join(
        str(condition["condition_threshold"])
        for condition in policies["queue_backlog"]["conditions"]
    )
    assert "cloudtasks.googleapis.com/queue/depth" in filters
    assert "cloudtasks.googleapis.com/queue/task_attempt_delays" in filters
    for name, metric in {
        "api_5xx_rate": "api_5xx",
        "job_failure_rate": "jobs_failed",
        "worker_errors": "worker_errors",
        "gemini_429_rate": "gemini_429",
        "uploads_infected": "uploads_infected",
        "webhook_delivery_failures": "webhook_delivery_failures",
        "webhook_endpoint_disabled": "webhook_endpoints_disabled",
    }.items():
        assert alert_metric(config, name) == metric, name
    # A ratio divides by the series it names, aligned over the same period.
    request_count = 'metric.type="run.googleapis.com/request_count"'
    for name, denominator in {
        "api_5xx_rate": f"{request_count} AND ${{local.service_logs.api}}",
        "job_failure_rate": "${local.log_metric_filters.jobs_started}",
    }.items():
        threshold = block(policies[name]["conditions"][0], "condition_threshold")
        assert threshold["denominator_filter"] == denominator, name
    count_alerts = {
        name for name, alert in config.local("log_alerts").items() if not alert["denominator"]
    }
    assert count_alerts == {
        "worker_errors",
        "gemini_429_rate",
        "uploads_infected",
        "webhook_delivery_failures",
        "webhook_endpoint_disabled",
    }
    (dynamic,) = block(config.resource(ALERT, "log_alert")["conditions"][0], "condition_threshold")[
        "dynamic"
    ]
    aggregations = dynamic["denominator_aggregations"]
    assert (
        aggregations["for_each"] == "${each.value.denominator == null ? [] : [each.value.period]}"
    )
    assert aggregations["content"] == [
        {
            "alignment_period": "${denominator_aggregations.value}",
            "per_series_aligner": "ALIGN_DELTA",
            "cross_series_reducer": "REDUCE_SUM",
        }
    ]
    channel = config.resource("google_monitoring_notification_channel", "email")
    assert channel["count"] == '${var.notification_email == "" ? 0 : 1}'
    assert config.variable_default("notification_email") == ""
    assert "dashboard_json" in config.resource("google_monitoring_dashboard", "main")


def event_value(config: Config, metric: str) -> str:
    """The value a log-based metric's filter asks of the line's `event` field."""
    text = log_metric(config, metric)["filter"]
    found = re.findall(r'(NOT )?jsonPayload\.event=\\?"(\w+)\\?"', text)
    assert len(found) == 1 and not found[0][0], text
    return str(found[0][1])


def test_webhook_metrics_count_the_events_the_worker_logs(config: Config) -> None:
    # The code logs each with `extra={"event": ...}`: a field of the JSON line, so
    # jsonPayload.event (shared/observability/logs.py).
    record = logging.makeLogRecord(
        {
            "msg": "webhook delivery failed",
            "levelname": "WARNING",
            "event": "webhook_delivery_failed",
            "status_code": 502,
        }
    )
    line = json.loads(CloudLoggingFormatter().format(record))
    assert line["event"] == "webhook_delivery_failed" and line["status_code"] == 502
    assert line["message"] == "webhook delivery failed"

    events = {
        "webhook_delivery_failures": "webhook_delivery_failed",
        "webhook_endpoints_disabled": "webhook_endpoint_disabled",
    }
    code = "\n".join(
        path.read_text(encoding="utf-8") for path in (REPO_ROOT / "shared").rglob("*.py")
    )
    for metric, event in events.items():
        assert event_value(config, metric) == event, metric
        assert f'"event": "{event}"' in code, f"no line of the code logs {event}"
        text = log_metric(config, metric)["filter"]
        # Deliveries run in the worker; this deployment's worker only.
        assert text.startswith("${local.service_logs.worker} AND "), metric
    failures = log_metric(config, "webhook_delivery_failures")
    extractors = label_extractors(config, "webhook_delivery_failures")
    assert extractors == {"status_code": "EXTRACT(jsonPayload.status_code)"}
    labels = block(failures, "metric_descriptor")["labels"]
    assert [label["key"] for label in labels] == ["status_code"]
    assert labels[0]["value_type"] == "STRING"
    assert "labels" not in block(
        log_metric(config, "webhook_endpoints_disabled"), "metric_descriptor"
    )
    assert label_extractors(config, "webhook_endpoints_disabled") == {}
    # A disabled endpoint alerts once, as itself, not also as a worker error.
    errors = log_metric(config, "worker_errors")["filter"]
    assert 'NOT jsonPayload.event=\\"webhook_endpoint_disabled\\"' in json.dumps(errors)


def test_webhook_alerts_fire_on_a_failure_rate_and_on_any_disabled_endpoint(
    config: Config,
) -> None:
    def threshold(policy: str) -> dict[str, Any]:
        (condition,) = alerts(config)[policy]["conditions"]
        return block(condition, "condition_threshold")

    failures = threshold("webhook_delivery_failures")
    assert failures["threshold_value"] == "${var.alert_webhook_failures_per_5min}"
    assert failures["comparison"] == "COMPARISON_GT"
    assert block(failures, "aggregations")["per_series_aligner"] == "ALIGN_DELTA"
    assert config.variable_default("alert_webhook_failures_per_5min") > 0
    disabled = threshold("webhook_endpoint_disabled")
    assert disabled["threshold_value"] == 0 and disabled["comparison"] == "COMPARISON_GT"
    for policy in ("webhook_delivery_failures", "webhook_endpoint_disabled"):
        # The filter of a log-based metric: on Cloud Run (the worker's lines).
        assert alert_metric(config, policy).startswith("webhook_"), policy
    assert 'resource.type=\\"cloud_run_revision\\"' in config.local("log_metric_filters")
    assert alerts(config)["webhook_endpoint_disabled"]["alert_strategy"] == [
        {"auto_close": "86400s"}
    ]
    # The backlog alert watches the webhooks queue too (its depth, its late starts).
    queues = config.local("queue_ids")
    assert "${google_cloud_tasks_queue.webhooks.name}" in queues
    assert sorted(q.split(".")[1] for q in queues) == sorted(
        config.of_type("google_cloud_tasks_queue")
    )
    filters = json.dumps(
        config.resource("google_monitoring_alert_policy", "queue_backlog")["conditions"]
    )
    assert filters.count("local.queue_ids") == 2


def test_cloud_build_checks_then_deploys_main_only() -> None:
    build = yaml.safe_load((REPO_ROOT / "cloudbuild.yaml").read_text(encoding="utf-8"))
    steps = {step["id"]: step for step in build["steps"]}
    script = {name: " ".join(map(str, step.get("args", []))) for name, step in steps.items()}
    for needle, step in {
        "ruff check": "lint",
        "mypy": "shape",
        "lint-imports": "shape",
        "make test": "test",
        "pip-audit -r requirements.txt": "audit",
        "main.py": "package",
        "terraform init": "terraform-init",
        "terraform plan": "terraform-plan",
        "terraform apply": "terraform-apply",
    }.items():
        assert needle in script[step], f"step {step} should run {needle}"
    assert '"$BRANCH_NAME" = "main"' in script["terraform-apply"]
    # Nothing is planned or applied before every check has passed.
    checks = {"lint", "shape", "audit", "test", "package"}
    assert checks <= set(steps["terraform-init"]["waitFor"])
    assert steps["terraform-plan"]["waitFor"] == ["terraform-init"]
    assert steps["terraform-apply"]["waitFor"] == ["terraform-plan"]
    assert "-out=tfplan" in script["terraform-plan"] and "tfplan" in script["terraform-apply"]


def minutes(duration: str) -> float:
    number, unit = re.fullmatch(r"(\d+)([smh])", duration).groups()  # type: ignore[union-attr]
    return int(number) * {"s": 1 / 60, "m": 1, "h": 60}[unit]


def test_alerts_on_log_metrics_wait_until_monitoring_sees_the_metrics(config: Config) -> None:
    # Monitoring answers "cannot find metric" for up to about ten minutes after a
    # log-based metric is created; the provider does not retry.
    wait = config.resource("time_sleep", "log_metrics_visible")
    assert minutes(resolve_local(config, wait["create_duration"])) >= 10
    metrics = set(resource_instances(config, METRIC))
    watched = {reference(value) for value in wait["triggers"].values()}
    assert watched == {f"{metric}.id" for metric in metrics}
    for name, policy in alerts(config).items():
        on_log_metric = re.search(
            r"google_logging_metric\.|log_metric_filters", str(policy["conditions"])
        )
        waits = "${time_sleep.log_metrics_visible}" in policy.get("depends_on", [])
        assert waits == bool(on_log_metric), name
    # Its keys are the ones it was first applied with: another key replaces the wait.
    assert set(wait["triggers"]) == {
        "api_5xx",
        "jobs_started",
        "jobs_failed",
        "worker_errors",
        "gemini_429",
        "infected",
        "webhook_fails",
        "webhook_off",
    }


INVOKER = "google_cloud_run_v2_service_iam_member"
SECRET = "google_secret_manager_secret"
SECRET_GRANT = "google_secret_manager_secret_iam_member"

# Addresses that deployments already hold and that changed when repeated resources
# became one resource over a map: without its moved block (moved.tf), the next apply
# would destroy each of these objects and create it again under its new address.
RENAMED = {
    **{
        address(resource_type, old): address(resource_type, name, old)
        for (resource_type, name), olds in {
            (METRIC, "log_count"): (
                "api_5xx",
                "jobs_started",
                "jobs_failed",
                "worker_errors",
                "gemini_429",
                "uploads_infected",
                "webhook_delivery_failures",
                "webhook_endpoints_disabled",
            ),
            (ALERT, "log_alert"): (
                "api_5xx_rate",
                "job_failure_rate",
                "worker_errors",
                "gemini_429_rate",
                "uploads_infected",
                "webhook_delivery_failures",
                "webhook_endpoint_disabled",
            ),
            (SECRET, "keys"): ("gemini_api_key", "webhook_signing_key"),
        }.items()
        for old in olds
    },
    **{
        address(SECRET_GRANT, f"{key}_accessors", role): address(
            SECRET_GRANT, "key_accessors", f"{key} {role}"
        )
        for key, roles in {
            "gemini_api_key": ("api", "trigger", "worker"),
            "webhook_signing_key": ("api", "worker"),
        }.items()
        for role in roles
    },
    address(INVOKER, "worker_invoker"): address(INVOKER, "worker_invokers", "tasks"),
    address(INVOKER, "worker_invoker_webhooks"): address(
        INVOKER, "worker_invokers", "webhook_tasks"
    ),
}


def declared_addresses(config: Config) -> set[str]:
    """Every resource instance's address the configuration declares; TYPE.NAME[*] for a
    for_each whose keys only Terraform computes."""
    found = set()
    for resource_type, named in config.resources.items():
        for name, body in named.items():
            if "for_each" not in body:
                found.add(address(resource_type, name))
                continue
            items = resolve_local(config, body["for_each"])
            if isinstance(items, dict):
                keys = set(items)
            elif (resource_type, name) == (SECRET_GRANT, "key_accessors"):
                keys = {f"{key} {role}" for key, role in secret_grants(config)}
            else:
                found.add(address(resource_type, name) + "[*]")
                continue
            found |= {address(resource_type, name, key) for key in keys}
    return found


def test_every_renamed_address_has_its_moved_block(config: Config) -> None:
    moves = {move["from"]: move["to"] for move in config.moved}
    declared = declared_addresses(config)
    for old, new in RENAMED.items():
        assert moves.get(old) == new, f"no moved block from {old} to {new}"
        resource_type, name = old.split("[")[0].split(".")
        assert name not in config.of_type(resource_type), f"{old} is declared again"
        assert new in declared, f"{new} is not declared"


def test_moved_blocks_lead_to_declared_resources_of_their_type(config: Config) -> None:
    sources = [move["from"] for move in config.moved]
    assert len(sources) == len(set(sources)), "two moved blocks from one address"
    targets = [move["to"] for move in config.moved]
    assert len(targets) == len(set(targets)), "two moved blocks to one address"
    assert not set(sources) & set(targets), "a chain of moves: point each at the last"
    declared = declared_addresses(config)
    for move in config.moved:
        assert move["to"] in declared, move
        assert move["from"].split(".")[0] == move["to"].split(".")[0], move
    # The list above and moved.tf agree: no move the tests do not know of.
    assert {move["from"]: move["to"] for move in config.moved} == RENAMED


def dashboard_positions(config: Config) -> list[tuple[int | None, int | None]]:
    """Each tile's (xPos, yPos) as the dashboard's JSON writes them (None: left out)."""
    text = config.resource("google_monitoring_dashboard", "main")["dashboard_json"]
    x = re.search(r"index % 2 == 0 \? \{\} : \{xPos = (\d+)\}", text)
    y = re.search(r"index < 2 \? \{\} : \{yPos = floor\(index / 2\) \* (\d+)\}", text)
    assert x and y, "tile positions are no longer written only when not zero"
    tiles = range(len(config.local("dashboard_tiles")))
    return [
        (None if i % 2 == 0 else int(x.group(1)), None if i < 2 else (i // 2) * int(y.group(1)))
        for i in tiles
    ]


def empty_lists(value: object) -> int:
    if isinstance(value, list):
        return (not value) + sum(empty_lists(item) for item in value)
    if isinstance(value, dict):
        return sum(empty_lists(item) for item in value.values())
    return 0


def test_the_dashboard_writes_only_what_google_keeps(config: Config) -> None:
    # Google drops zero positions and empty lists; writing them plans a change every run.
    positions = dashboard_positions(config)
    assert 0 not in {coordinate for tile in positions for coordinate in tile}
    assert len(set(positions)) == len(positions), "two tiles in one place"
    assert empty_lists(config.local("dashboard_tiles")) == 0
    text = config.resource("google_monitoring_dashboard", "main")["dashboard_json"]
    assert "= []" not in text and "= {}" not in text.replace("? {} :", "")


def test_two_deployments_in_one_project_name_nothing_alike(config: Config) -> None:
    """Every project-wide name carries the deployment's prefix (or its own database)."""
    named = {
        "google_storage_bucket": "name",
        "google_cloud_tasks_queue": "name",
        "google_service_account": "account_id",
        "google_secret_manager_secret": "secret_id",
        "google_logging_metric": "name",
        "google_monitoring_alert_policy": "display_name",
        "google_monitoring_notification_channel": "display_name",
        "google_monitoring_dashboard": "dashboard_json",
        "google_cloudfunctions2_function": "name",
    }
    for resource_type, attribute in named.items():
        for name, body in resource_instances(config, resource_type).items():
            value = str(resolve_local(config, body[attribute]))
            if value.startswith("${local.function_names."):
                value = config.local("function_names")[value.split(".")[-1].rstrip("}")]
            assert "${var.name_prefix}" in value, f"{resource_type}.{name}: {value}"
    for resource_type in ("google_firestore_index", "google_firestore_field"):
        for name, body in config.of_type(resource_type).items():
            assert body["database"] == "${var.firestore_database}", f"{resource_type}.{name}"
