"""The configuration as a whole: providers, inputs and outputs, APIs, monitoring, CI."""

from __future__ import annotations

import inspect
import re

import pytest
import yaml

from shared.adapters import genai_model as gemini_client
from shared.entrypoints import storage_trigger, task_worker
from shared.service import chunks, dispatch
from tests.terraform.hcl_config import REPO_ROOT, TERRAFORM_DIR, Config, block, load, tfvars


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
    } <= config.outputs.keys()
    assert config.outputs["api_url"]["value"].endswith("/api/v1")


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


def metric_regexes(config: Config, name: str) -> list[str]:
    """The jsonPayload.message regexes of a log-based metric's filter."""
    text = config.resource("google_logging_metric", name)["filter"]
    return re.findall(r'jsonPayload\.message=~\\?"(.*?)\\?"', text)


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

    extractor = config.resource("google_logging_metric", "jobs_failed")["label_extractors"]
    code = re.search(r'REGEXP_EXTRACT\(jsonPayload\.message, "(.*)"\)', extractor["error_code"])
    assert code
    assert re.search(code.group(1), failed_chunk).group(1) == "PDF_DAMAGED"  # type: ignore[union-attr]
    assert re.search(code.group(1), refused).group(1) == "NOT_A_PDF"  # type: ignore[union-attr]

    api_5xx = config.resource("google_logging_metric", "api_5xx")["filter"]
    assert "local.service_logs.api" in api_5xx and "httpRequest.status>=500" in api_5xx
    errors = config.resource("google_logging_metric", "worker_errors")["filter"]
    assert "local.service_logs.worker" in errors and "severity>=ERROR" in errors


def test_alerts_cover_the_failures_that_matter(config: Config) -> None:
    policies = config.of_type("google_monitoring_alert_policy")
    assert {
        "api_5xx_rate",
        "job_failure_rate",
        "queue_backlog",
        "worker_errors",
        "gemini_429_rate",
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
    }.items():
        assert f"google_logging_metric.{metric}.name" in str(policies[name]["conditions"])
    channel = config.resource("google_monitoring_notification_channel", "email")
    assert channel["count"] == '${var.notification_email == "" ? 0 : 1}'
    assert config.variable_default("notification_email") == ""
    assert "dashboard_json" in config.resource("google_monitoring_dashboard", "main")


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
