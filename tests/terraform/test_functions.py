"""The three functions: identities, invokers, sizing, triggers, environment and source."""

from __future__ import annotations

import ast
import json
import re
from typing import Any

import pytest

from infra.local_stack.product import API_CONCURRENCY, product_functions
from shared.adapters.genai_families import API_VERSIONS, DEFAULT_API_VERSION
from shared.config import EMULATOR_VARIABLES, Profile, Settings, UnsafeConfiguration
from shared.gemini.ports import DEFAULT_MODEL
from tests.terraform.hcl_config import (
    REPO_ROOT,
    Config,
    address,
    block,
    load,
    merged_env,
    reference,
    resolve_local,
    resource_instances,
    secret_readers,
    secret_values_in_configuration,
)

FUNCTION = "google_cloudfunctions2_function"
ROLES = ("api", "trigger", "worker")
# Read by the functions framework (its server threads), not by Settings.
NON_SETTINGS_VARIABLES = {"THREADS"}


@pytest.fixture(scope="module")
def config() -> Config:
    return load()


def functions(config: Config) -> dict[str, dict[str, Any]]:
    return config.of_type(FUNCTION)


def service(config: Config, role: str) -> dict[str, Any]:
    return block(functions(config)[role], "service_config")


def env(config: Config, role: str) -> dict[str, Any]:
    return merged_env(config, service(config, role)["environment_variables"])


def entry_points_of_main() -> dict[str, str]:
    """functions/main.py's entry points and their kind (http or cloud_event)."""
    tree = ast.parse((REPO_ROOT / "functions" / "main.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Attribute) and decorator.attr in {
                    "http",
                    "cloud_event",
                }:
                    found[node.name] = decorator.attr
    return found


def env_name(field: str) -> str:
    """The environment variable a Settings field is read from (its first alias)."""
    alias = Settings.model_fields[field].validation_alias
    if alias is not None:
        return str(alias.choices[0])  # type: ignore[union-attr]
    return f"FNT_{field.upper()}"


def all_env_names(field: str) -> set[str]:
    alias = Settings.model_fields[field].validation_alias
    if alias is not None:
        return {str(choice) for choice in alias.choices}  # type: ignore[union-attr]
    return {f"FNT_{field.upper()}"}


def production_required_fields(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The Settings fields production refuses to start without, found by leaving each out."""
    import os

    for name in list(os.environ):
        if (
            name.startswith("FNT_")
            or name in EMULATOR_VARIABLES
            or name
            in {
                "GOOGLE_CLOUD_PROJECT",
                "FUNCTION_URL_RUN_TASK",
                "CLOUD_TASKS_EMULATOR_HOST",
            }
        ):
            monkeypatch.delenv(name)
    emulator_fields = {
        field
        for field in Settings.model_fields
        if all_env_names(field) & (set(EMULATOR_VARIABLES) | {"CLOUD_TASKS_EMULATOR_HOST"})
    }
    candidates = {
        field: "https://x.example" if "url" in field else "x@example.com"
        for field, info in Settings.model_fields.items()
        if info.default in (None, "") and field not in emulator_fields
    }
    base = {"FNT_PROFILE": "production", "GOOGLE_CLOUD_PROJECT": "real-project"}
    base.update({env_name(field): value for field, value in candidates.items()})
    for name, value in base.items():
        monkeypatch.setenv(name, value)
    Settings()  # complete: must start
    required = set()
    for field in candidates:
        monkeypatch.delenv(env_name(field))
        try:
            Settings()
        except UnsafeConfiguration:
            required.add(field)
        monkeypatch.setenv(env_name(field), candidates[field])
    return required


def test_every_entry_point_of_main_is_deployed_once(config: Config) -> None:
    deployed = {
        block(body, "build_config")["entry_point"]: name for name, body in functions(config).items()
    }
    assert sorted(deployed) == sorted(entry_points_of_main())
    assert len(functions(config)) == len(deployed) == 3
    kinds = entry_points_of_main()
    for entry_point, role in deployed.items():
        has_event_trigger = bool(functions(config)[role].get("event_trigger"))
        assert has_event_trigger == (kinds[entry_point] == "cloud_event"), entry_point


def test_every_function_runs_as_its_own_service_account(config: Config) -> None:
    accounts = {role: reference(service(config, role)["service_account_email"]) for role in ROLES}
    assert all(accounts.values()), accounts
    assert len(set(accounts.values())) == len(ROLES), accounts
    for role, account in accounts.items():
        assert account == f"google_service_account.{role}.email"
    # Neither the tasks identity nor the build identity runs a function.
    runtime = set(accounts.values())
    assert "google_service_account.tasks.email" not in runtime
    assert "google_service_account.build.email" not in runtime
    for body in functions(config).values():
        assert reference(block(body, "build_config")["service_account"]) == (
            "google_service_account.build.id"
        )


def iam_members(config: Config) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(type, name, member, body) of every IAM member/binding in the configuration."""
    found = []
    for resource_type, named in config.resources.items():
        if not re.search(r"_iam_(member|binding|policy)$", resource_type):
            continue
        for name, body in named.items():
            members = body.get("members") or [body.get("member", "")]
            if "policy_data" in body:
                members.append(body["policy_data"])
            found.extend((resource_type, name, str(member), body) for member in members)
    return found


SCANNER_SERVICE = "${google_cloud_run_v2_service.scanner.name}"


def invokers(config: Config) -> dict[str, set[str]]:
    """Members with roles/run.invoker per function role (and the malware scanner's)."""
    by_role: dict[str, set[str]] = {role: set() for role in (*ROLES, "scanner")}
    for resource_type, _, member, body in iam_members(config):
        if body.get("role") not in {"roles/run.invoker", "roles/cloudfunctions.invoker"}:
            continue
        assert resource_type == "google_cloud_run_v2_service_iam_member", (
            "invokers are granted on one function's service, never on the project"
        )
        members = {member}
        if "for_each" in body:
            assert member == "serviceAccount:${each.value}", member
            members = {f"serviceAccount:{account}" for account in body["for_each"].values()}
        if body["name"] == SCANNER_SERVICE:
            by_role["scanner"] |= members
            continue
        target = re.fullmatch(
            rf"{FUNCTION}\.(\w+)\.service_config\[0\]\.service", body["name"][2:-1]
        )
        assert target, body["name"]
        by_role[target.group(1)] |= members
    return by_role


def test_only_the_trigger_and_the_scheduler_invoke_the_malware_scanner(config: Config) -> None:
    assert invokers(config)["scanner"] == {
        "serviceAccount:${google_service_account.trigger.email}",
        "serviceAccount:${google_service_account.scheduler.email}",
    }
    job = config.resource("google_cloud_scheduler_job", "signature_update")
    token = block(block(job, "http_target"), "oidc_token")
    assert token["service_account_email"] == "${google_service_account.scheduler.email}"


def test_only_the_two_tasks_accounts_invoke_the_worker(config: Config) -> None:
    # Cloud Tasks, as the chunk queues' account or as the webhooks queue's.
    assert invokers(config)["worker"] == {
        "serviceAccount:${google_service_account.tasks.email}",
        "serviceAccount:${google_service_account.webhook_tasks.email}",
    }
    assert service(config, "worker")["ingress_settings"] == "ALLOW_INTERNAL_ONLY"


WEBHOOK_TASKS_EMAIL = "google_service_account.webhook_tasks.email"


def instances_of(config: Config, body: dict[str, Any]) -> Any:
    """The values a resource's for_each iterates over (a literal map, or a local one)."""
    return resolve_local(config, body.get("for_each", {}))


def test_the_webhook_tasks_account_may_only_invoke_the_worker(config: Config) -> None:
    # Its one grant is run.invoker on the worker's service; whatever else names it
    # grants others the right to act as it (and to enqueue tasks signed as it).
    granted_to_it = []
    for resource_type, named in config.resources.items():
        if not re.search(r"_iam_(member|binding|policy)$", resource_type):
            continue
        for name, body in named.items():
            members = json.dumps({k: v for k, v in body.items() if k != "service_account_id"})
            if WEBHOOK_TASKS_EMAIL in members or (
                "each.value" in members
                and WEBHOOK_TASKS_EMAIL in json.dumps(instances_of(config, body))
            ):
                granted_to_it.append((resource_type, name))
    assert granted_to_it == [("google_cloud_run_v2_service_iam_member", "worker_invokers")]
    grant = config.resource("google_cloud_run_v2_service_iam_member", "worker_invokers")
    assert reference(grant["for_each"]["webhook_tasks"]) == WEBHOOK_TASKS_EMAIL
    assert grant["member"] == "serviceAccount:${each.value}"
    assert grant["role"] == "roles/run.invoker"
    assert grant["name"] == "${google_cloudfunctions2_function.worker.service_config[0].service}"
    assert WEBHOOK_TASKS_EMAIL not in json.dumps(config.local("function_accounts"))
    # No function runs as it.
    for role in ROLES:
        assert reference(service(config, role)["service_account_email"]) != WEBHOOK_TASKS_EMAIL
    account = config.resource("google_service_account", "webhook_tasks")
    assert account["account_id"] == "${var.name_prefix}-webhook-tasks"
    prefix_rule = config.variables["name_prefix"]["validation"][0]["condition"]
    longest_prefix = 1 + int(re.search(r"\{1,(\d+)\}", prefix_rule).group(1))  # type: ignore[union-attr]
    assert longest_prefix + len("-webhook-tasks") <= 30, "account ids have 30 characters"


def test_only_eventarc_as_the_trigger_account_invokes_the_trigger(config: Config) -> None:
    assert invokers(config)["trigger"] == {"serviceAccount:${google_service_account.trigger.email}"}
    assert service(config, "trigger")["ingress_settings"] == "ALLOW_INTERNAL_ONLY"


def test_the_api_is_public_and_nothing_else_is(config: Config) -> None:
    assert invokers(config)["api"] == {"allUsers"}
    public = [
        (resource_type, name)
        for resource_type, name, member, _ in iam_members(config)
        if "allUsers" in member or "allAuthenticatedUsers" in member
    ]
    assert public == [("google_cloud_run_v2_service_iam_member", "api_public")]


def test_no_project_wide_invoker_or_impersonation(config: Config) -> None:
    broad = {
        "roles/run.invoker",
        "roles/cloudfunctions.invoker",
        "roles/iam.serviceAccountUser",
        "roles/iam.serviceAccountTokenCreator",
        "roles/owner",
        "roles/editor",
    }
    granted = json.dumps(
        [config.of_type("google_project_iam_member"), config.local("function_project_roles")]
    )
    assert not [role for role in broad if role in granted]


def test_enqueuers_may_act_as_the_tasks_account_and_signers_as_themselves(
    config: Config,
) -> None:
    act_as = config.resource("google_service_account_iam_member", "tasks_act_as")
    assert act_as["role"] == "roles/iam.serviceAccountUser"
    assert reference(act_as["service_account_id"]) == "google_service_account.tasks.name"
    assert set(act_as["for_each"]) == {"api", "trigger"}
    enqueuers = config.resource("google_cloud_tasks_queue_iam_member", "enqueuers")
    assert enqueuers["role"] == "roles/cloudtasks.enqueuer"
    assert '["api", "trigger"]' in enqueuers["for_each"]

    webhook_act_as = config.resource("google_service_account_iam_member", "webhook_tasks_act_as")
    assert webhook_act_as["role"] == "roles/iam.serviceAccountUser"
    assert reference(webhook_act_as["service_account_id"]) == (
        "google_service_account.webhook_tasks.name"
    )
    assert webhook_act_as["member"] == "serviceAccount:${each.value}"
    assert resolve_local(config, webhook_act_as["for_each"]) == {
        role: f"${{google_service_account.{role}.email}}" for role in ROLES
    }, "whoever enqueues a delivery acts as its account"
    webhook_enqueuers = config.resource("google_cloud_tasks_queue_iam_member", "webhook_enqueuers")
    assert webhook_enqueuers["for_each"] == webhook_act_as["for_each"]
    act_as_grants = {
        name: reference(body["service_account_id"])
        for name, body in config.of_type("google_service_account_iam_member").items()
        if body["role"] == "roles/iam.serviceAccountUser"
    }
    assert act_as_grants == {
        "tasks_act_as": "google_service_account.tasks.name",
        "webhook_tasks_act_as": "google_service_account.webhook_tasks.name",
    }

    sign = config.resource("google_service_account_iam_member", "sign_as_self")
    assert sign["role"] == "roles/iam.serviceAccountTokenCreator"
    assert sign["member"] == "serviceAccount:${each.value.email}"
    assert reference(sign["service_account_id"]) == "each.value.name"
    signers = {key: reference(value) for key, value in sign["for_each"].items()}
    assert signers == {
        "api": "google_service_account.api",
        "worker": "google_service_account.worker",
    }
    for role in ROLES:
        assert reference(env(config, role)["FNT_SIGNING_SERVICE_ACCOUNT"]) == (
            f"google_service_account.{role}.email"
        ), "each function signs as its own account"


def test_sizing_fits_each_function(config: Config) -> None:
    api, trigger, worker = (service(config, role) for role in ROLES)
    assert api["available_memory"] == "512Mi"
    assert api["timeout_seconds"] == 60
    assert api["max_instance_request_concurrency"] == API_CONCURRENCY
    assert api["available_cpu"] == "1", "concurrency above 1 needs a whole CPU"
    assert reference(api["min_instance_count"]) == "var.api_min_instances"
    assert config.variable_default("api_min_instances") == 1, "one API instance kept warm"
    assert trigger["max_instance_request_concurrency"] == 1, "each may hold a 50 MB PDF"
    assert trigger["available_memory"] == "1Gi"
    assert trigger["timeout_seconds"] == 540
    assert worker["timeout_seconds"] == 1800
    assert worker["max_instance_request_concurrency"] == 1
    assert reference(worker["max_instance_count"]) == "var.worker_max_instances"
    assert reference(worker["available_memory"]) == "var.worker_memory"
    memory = config.variable_default("worker_memory")
    assert memory.endswith("Gi") and int(memory[:-2]) >= 1
    for body in functions(config).values():
        assert block(body, "build_config")["runtime"] == "${var.python_runtime}"
    assert config.variable_default("python_runtime") in {"python311", "python312"}


def test_each_function_serves_as_many_threads_as_requests_it_takes(config: Config) -> None:
    for role in ROLES:
        concurrency = service(config, role)["max_instance_request_concurrency"]
        assert env(config, role)["THREADS"] == str(concurrency), role


def test_the_local_stack_serves_the_api_and_the_trigger_as_deployed(config: Config) -> None:
    local = {spec.target: spec.env for spec in product_functions()}
    for role, target in (("api", "api"), ("trigger", "on_pdf_uploaded")):
        assert local[target]["WORKERS"] == "1", "an instance is one process"
        assert local[target]["THREADS"] == env(config, role)["THREADS"], role


def test_the_trigger_hears_finalized_uploads_with_retries(config: Config) -> None:
    trigger = block(functions(config)["trigger"], "event_trigger")
    assert trigger["event_type"] == "google.cloud.storage.object.v1.finalized"
    assert trigger["retry_policy"] == "RETRY_POLICY_RETRY"
    assert reference(trigger["service_account_email"]) == "google_service_account.trigger.email"
    assert trigger["event_filters"] == [
        {"attribute": "bucket", "value": "${google_storage_bucket.uploads.name}"}
    ]
    assert trigger["trigger_region"] == "${var.region}"
    uploads = config.resource("google_storage_bucket", "uploads")
    assert uploads["location"] == "${var.region}", "the trigger only hears its own region"
    receiver = config.resource("google_project_iam_member", "trigger_event_receiver")
    assert receiver["role"] == "roles/eventarc.eventReceiver"
    assert receiver["member"] == "serviceAccount:${google_service_account.trigger.email}"
    publisher = config.resource("google_project_iam_member", "gcs_agent_pubsub_publisher")
    assert publisher["role"] == "roles/pubsub.publisher"
    assert "google_storage_project_service_account.gcs_agent" in publisher["member"]


def test_production_settings_are_set_on_every_function(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    # functions/main.py builds the settings at import (configure_instance), so each
    # function reads them all and needs what the production profile requires.
    required = production_required_fields(monkeypatch)
    assert required, "the production profile requires nothing: the probe is broken"
    resources = {field for field in Settings.model_fields if field.endswith(("_bucket", "_queue"))}
    expected = {"FNT_PROFILE", "FNT_LOCATION"} | {env_name(field) for field in required | resources}
    for role in ROLES:
        variables = env(config, role)
        assert expected <= variables.keys(), (role, expected - variables.keys())
        project = all_env_names("project_id") & variables.keys()
        assert project, f"{role} does not name the project"
        assert {variables[name] for name in project} == {"${var.project_id}"}
        assert variables["FNT_PROFILE"] == Profile.PRODUCTION.value
        for field in resources:
            kind, name = field.rsplit("_", 1)[1], field.rsplit("_", 1)[0]
            resource_type = {
                "bucket": "google_storage_bucket",
                "queue": "google_cloud_tasks_queue",
            }[kind]
            assert reference(variables[env_name(field)]) == f"{resource_type}.{name}.name"
            assert name in config.of_type(resource_type)
        assert reference(variables["FNT_TASKS_SERVICE_ACCOUNT"]) == (
            "google_service_account.tasks.email"
        )


def test_only_known_settings_are_set_and_no_emulators(config: Config) -> None:
    known = {name for field in Settings.model_fields for name in all_env_names(field)}
    for role in ROLES:
        variables = env(config, role)
        unknown = set(variables) - known - NON_SETTINGS_VARIABLES
        assert not unknown, f"{role} sets variables the code does not read: {unknown}"
        emulators = set(variables) & (set(EMULATOR_VARIABLES) | {"CLOUD_TASKS_EMULATOR_HOST"})
        assert not emulators, f"{role} sets emulator variables, refused in production"


def test_api_reads_its_browser_and_rate_limit_settings(config: Config) -> None:
    api = env(config, "api")
    # The web app's origins: its Hosting site's and the extras (test_web.py).
    assert api["FNT_CORS_ORIGINS"] == '${join(",", local.app_origins)}'
    assert "jsonencode(var.rate_limits)" in api["FNT_RATE_LIMITS"]
    assert api["FNT_SHEETS_MODE"] == "${var.sheets_mode}"


def test_every_function_posts_tasks_to_the_same_worker_url(config: Config) -> None:
    urls = {role: env(config, role)["FNT_WORKER_URL"] for role in ROLES}
    assert set(urls.values()) == {"${local.worker_url}"}, urls
    worker_url = config.local("worker_url")
    assert worker_url.endswith("/${local.function_names.worker}")
    assert ".cloudfunctions.net/" in worker_url
    assert functions(config)["worker"]["name"] == "${local.function_names.worker}"


def test_a_worker_url_other_than_the_predicted_one_stops_the_apply(config: Config) -> None:
    # A postcondition fails the apply; a check block would only warn.
    (lifecycle,) = functions(config)["worker"]["lifecycle"]
    (postcondition,) = lifecycle["postcondition"]
    assert postcondition["condition"] == "${self.url == local.worker_url}"
    assert not config.checks


def test_chunk_attempts_match_the_code(config: Config) -> None:
    default = Settings.model_fields["chunk_max_attempts"].default
    assert config.local("chunk_max_attempts") == default
    for role in ROLES:
        assert env(config, role)["FNT_CHUNK_MAX_ATTEMPTS"] == (
            "${tostring(local.chunk_max_attempts)}"
        )


def test_the_source_archive_holds_main_requirements_and_all_of_shared(config: Config) -> None:
    archive = config.data["archive_file"]["function_source"]
    sources = {entry["filename"]: entry["content"] for entry in archive["source"]}
    assert sources == {
        "main.py": '${file("${local.repo_root}/functions/main.py")}',
        "requirements.txt": '${file("${local.repo_root}/requirements.txt")}',
    }
    dynamic = archive["dynamic"][0]["source"]
    assert dynamic["for_each"] == "${local.shared_files}"
    assert dynamic["content"][0]["filename"] == "shared/${source.value}"
    pattern = re.search(r"\*\*/\*\.\{([a-z,]+)\}", config.local("shared_files"))
    assert pattern, config.local("shared_files")
    packaged = {f".{suffix}" for suffix in pattern.group(1).split(",")}
    shipped = {
        path.suffix
        for path in (REPO_ROOT / "shared").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    missing = shipped - packaged
    assert not missing, f"kinds of files under shared/ the archive would leave out: {missing}"
    for body in functions(config).values():
        storage = block(block(block(body, "build_config"), "source"), "storage_source")
        assert storage == {
            "bucket": "${local.build_source.bucket}",
            "object": "${local.build_source.object}",
        }
    assert (
        "output_sha256"
        in config.resource("google_storage_bucket_object", "function_source")["name"]
    ), "the archive object is named by its content"


def gibibytes(memory: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", memory).groups()  # type: ignore[union-attr]
    return int(number) / (1024 if unit == "Mi" else 1)


def test_every_functions_memory_has_the_cpus_cloud_run_requires(config: Config) -> None:
    # Cloud Run: more than 4 GiB needs 2 vCPUs, more than 8 GiB needs 4.
    def enough(memory: str, cpu: str) -> bool:
        return gibibytes(memory) <= 4 * float(cpu)

    for role in ("api", "trigger"):
        sizing = service(config, role)
        assert enough(sizing["available_memory"], sizing["available_cpu"]), role
    assert service(config, "worker")["available_cpu"] == "${local.worker_cpu}"
    validation = config.variables["worker_memory"]["validation"][0]["condition"]
    allowed = re.findall(r'"(\d+(?:Mi|Gi))"', validation)
    derived = re.findall(r'"(\d+Gi)" = "(\d+)"', config.local("worker_cpu"))
    assert allowed and sorted(dict(derived)) == sorted(allowed), "a memory without its CPUs"
    for memory, cpu in derived:
        assert enough(memory, cpu), memory


def test_the_trigger_waits_until_eventarc_sees_its_agents_and_grants(config: Config) -> None:
    trigger = functions(config)["trigger"]
    assert "${time_sleep.trigger_grants_visible}" in trigger["depends_on"]
    wait = config.resource("time_sleep", "trigger_grants_visible")
    watched = " ".join(wait["triggers"].values())
    for needed in (
        "google_project_iam_member.trigger_event_receiver",
        "google_project_iam_member.gcs_agent_pubsub_publisher",
        "google_project_service_identity.agents",
    ):
        assert needed in watched, needed
    duration = resolve_local(config, wait["create_duration"])
    assert re.fullmatch(r"[1-9]\d*m", duration), "minutes, as Eventarc's message says"


def test_the_build_account_has_the_documented_roles_and_no_more(config: Config) -> None:
    # Cloud Run's "Configure the build service account": Logs Writer, Artifact Registry
    # Writer, Storage Object Admin (the source archive); here the last one on the
    # function source buckets only.
    project_roles = config.resource("google_project_iam_member", "build")["for_each"]
    assert set(re.findall(r'"(roles/[\w.]+)"', project_roles)) == {
        "roles/logging.logWriter",
        "roles/artifactregistry.writer",
    }
    sources = config.resource("google_project_iam_member", "build_reads_sources")
    assert sources["role"] == "roles/storage.objectAdmin"
    condition = block(sources, "condition")["expression"]
    assert "gcf-v2-sources-" in condition and "google_storage_bucket.sources.name" in condition
    assert "uploads" not in condition and "exports" not in condition


def test_every_function_uses_the_deployments_own_database_and_secret(config: Config) -> None:
    for role in ROLES:
        variables = env(config, role)
        assert variables["FNT_FIRESTORE_DATABASE"] == "${var.firestore_database}"
        assert reference(variables["FNT_GEMINI_KEY_SECRET"]) == (
            'google_secret_manager_secret.keys["gemini_api_key"].secret_id'
        )
    assert config.variable_default("firestore_database") == (
        Settings.model_fields["firestore_database"].default
    )


def test_the_gemini_model_and_api_version_are_the_codes_unless_set(config: Config) -> None:
    for role in ROLES:
        variables = env(config, role)
        assert variables["FNT_GEMINI_MODEL"] == "${var.gemini_model}"
        assert variables["FNT_GEMINI_API_VERSION"] == "${var.gemini_api_version}"
    assert config.variable_default("gemini_model") == DEFAULT_MODEL
    assert config.variable_default("gemini_api_version") == DEFAULT_API_VERSION
    allowed = config.variables["gemini_api_version"]["validation"][0]["condition"]
    assert set(re.findall(r'"(v1\w*)"', allowed)) == set(API_VERSIONS)


def test_every_function_is_told_the_webhooks_queue_key_and_caller(config: Config) -> None:
    # All three enqueue deliveries (a test ping, a job's end, a retry) signed as the
    # webhook tasks account, which the worker accepts; every function holds the same
    # settings, though only the api and the worker may read the key.
    for role in ROLES:
        variables = env(config, role)
        assert reference(variables["FNT_WEBHOOKS_QUEUE"]) == (
            "google_cloud_tasks_queue.webhooks.name"
        ), role
        assert reference(variables["FNT_WEBHOOK_KEY_SECRET"]) == (
            'google_secret_manager_secret.keys["webhook_signing_key"].secret_id'
        ), role
        caller = reference(variables["FNT_WEBHOOK_TASKS_SERVICE_ACCOUNT"])
        assert caller == WEBHOOK_TASKS_EMAIL, role
        assert reference(variables["FNT_TASKS_SERVICE_ACCOUNT"]) != caller, role
    # The names the code uses where nothing sets them (locally), prefixed here.
    assert Settings.model_fields["webhooks_queue"].default == "webhooks"
    assert Settings.model_fields["webhook_key_secret"].default == "webhook-signing-key"


def test_the_webhook_signing_key_is_created_empty_and_read_by_the_api_and_worker(
    config: Config,
) -> None:
    secrets = resource_instances(config, "google_secret_manager_secret")
    secret = secrets[address("google_secret_manager_secret", "keys", "webhook_signing_key")]
    assert secret["secret_id"] == "${var.name_prefix}-webhook-signing-key"
    assert secret["replication"] == [{"auto": [{}]}]
    # Its value is added by hand (README, Deployment, Secrets), never in Terraform state.
    for resource_type in (
        "google_secret_manager_secret_version",
        "google_secret_manager_regional_secret_version",
    ):
        assert not config.of_type(resource_type), resource_type
    # Terraform writes no secret's value, and reads only the Google sign-in client's.
    assert secret_values_in_configuration(config) == {
        "written in": set(),
        "google_oauth_client_secret": {
            "google_secret_manager_secret.google_oauth_client_secret.id"
        },
    }
    # One resource grants every key to its readers (secrets.tf), each on that key alone.
    readers = secret_readers(config, "webhook_signing_key")
    assert readers == {
        "api": "google_service_account.api.email",
        "worker": "google_service_account.worker.email",
    }, "the api seals endpoints' secrets, the worker signs with them; nobody else"
    for resource_type in (
        "google_secret_manager_secret_iam_binding",
        "google_secret_manager_secret_iam_policy",
    ):
        assert not config.of_type(resource_type), resource_type
    assert "secretmanager" not in json.dumps(config.of_type("google_project_iam_member"))
    assert "secretmanager" not in json.dumps(config.local("function_project_roles"))


def test_only_the_api_manages_users_accounts(config: Config) -> None:
    """Setting a user's plan writes their custom claims: the api's account alone may."""
    grant = config.resource("google_project_iam_member", "api_manages_users")
    assert grant["role"] == "roles/firebaseauth.admin"
    assert reference(grant["member"].removeprefix("serviceAccount:")).startswith(
        "google_service_account.api."
    )
    granted = json.dumps(config.of_type("google_project_iam_member"))
    assert granted.count("firebaseauth") == 1
