"""The web app's release by Cloud Build: built from the API's OpenAPI document on every
branch, deployed to its Firebase Hosting site on main after the functions, with the
headers and config.json of infra.web_hosting and the values of Terraform's outputs."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.web_hosting import HostingSettings, firebase_json, runtime_config
from tests.terraform.hcl_config import REPO_ROOT, load

FIREBASE_LOCK = REPO_ROOT / "infra" / "local_stack" / "firebase" / "package-lock.json"
# The substitutions Cloud Build defines itself (cloud.google.com/build/docs/configuring-builds/
# substitute-variable-values); any other must be declared under `substitutions`.
CLOUD_BUILD_BUILT_INS = {
    "PROJECT_ID",
    "PROJECT_NUMBER",
    "BUILD_ID",
    "LOCATION",
    "TRIGGER_NAME",
    "COMMIT_SHA",
    "REVISION_ID",
    "SHORT_SHA",
    "REPO_NAME",
    "REPO_FULL_NAME",
    "BRANCH_NAME",
    "TAG_NAME",
    "REF_NAME",
    "TRIGGER_BUILD_CONFIG_PATH",
    "SERVICE_ACCOUNT_EMAIL",
    "SERVICE_ACCOUNT",
}


@pytest.fixture(scope="module")
def build() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO_ROOT / "cloudbuild.yaml").read_text("utf-8"))
    return loaded


def steps(build: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["id"]: step for step in build["steps"]}


def script(step: dict[str, Any]) -> str:
    return " ".join(map(str, step.get("args", [])))


WEB_CONFIG_KEYS = {
    "api_url",
    "project_id",
    "api_key",
    "auth_domain",
    "hosting_site",
    "google_sign_in",
}


def test_the_release_reads_what_terraforms_web_config_output_holds() -> None:
    assert set(load().outputs["web_config"]["value"]) == WEB_CONFIG_KEYS


def test_every_substitution_cloud_build_expands_is_defined(build: dict[str, Any]) -> None:
    # A single $ is a substitution ($$ is the shell's): an unknown one fails the build.
    text = (REPO_ROOT / "cloudbuild.yaml").read_text("utf-8").replace("$$", "")
    used = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", text))
    assert used <= CLOUD_BUILD_BUILT_INS | set(build["substitutions"]), used


def test_the_tests_have_node(build: dict[str, Any]) -> None:
    # make test builds the web app and runs the Auth emulator: Node.js 20, from the
    # Node image, on the test step's PATH (make installs Chromium itself, as root).
    test = steps(build)["test"]
    assert "node-runtime" in test["waitFor"]
    assert 'PATH="$$PWD/build/ci-bin:$$PWD/build/ci-node/bin:$$PATH"' in script(test)
    assert "make test" in script(test)
    assert build["substitutions"]["_NODE_IMAGE"].startswith("node:20")
    assert "build/ci-node" in script(steps(build)["node-runtime"])


def test_cloud_build_builds_the_app_from_the_apis_openapi_document(build: dict[str, Any]) -> None:
    named = steps(build)
    openapi, web = named["web-openapi"], named["web-build"]
    assert "-m shared.cli openapi --out web/openapi.json" in script(openapi)
    assert openapi["waitFor"] == ["test"]
    # The typed client is generated from that document by the build, so after it.
    assert web["waitFor"] == ["web-openapi"]
    assert web["name"] == "${_NODE_IMAGE}" and web["dir"] == "web"
    assert re.search(r"npm ci\b.*&& npm run build", script(web))
    # A broken app stops the deployment before anything is applied.
    assert "web-build" in named["terraform-init"]["waitFor"]


def test_cloud_build_releases_the_app_after_the_functions_on_main_only(
    build: dict[str, Any],
) -> None:
    named = steps(build)
    order = [step["id"] for step in build["steps"]]
    assert named["web-config"]["waitFor"] == ["terraform-apply"]
    assert named["web-hosting-config"]["waitFor"] == ["web-config", "web-build"]
    assert named["web-deploy"]["waitFor"] == ["web-hosting-config"]
    assert order.index("terraform-apply") < order.index("web-config") < order.index("web-deploy")
    assert "terraform output -json web_config > ../build/web-config.json" in script(
        named["web-config"]
    )
    for name in ("web-config", "web-hosting-config", "web-deploy"):
        assert '"$BRANCH_NAME"' in script(named[name]), f"{name} must run on main only"
    deploy = script(named["web-deploy"])
    # To the site Terraform made, read from its output.
    assert re.search(r"site=.*\.hosting_site", deploy)
    assert re.search(
        r'firebase deploy\s.*--only "hosting:\$\$site" --project "\$PROJECT_ID"', deploy, re.S
    )
    assert "cd web" in deploy  # where infra.web_hosting writes firebase.json


def test_the_firebase_cli_is_the_pinned_one(build: dict[str, Any]) -> None:
    deploy = script(steps(build)["web-deploy"])
    assert "npm ci --prefix infra/local_stack/firebase" in deploy
    assert "../infra/local_stack/firebase/node_modules/.bin/firebase deploy" in deploy
    lock = json.loads(FIREBASE_LOCK.read_text("utf-8"))
    pinned = lock["packages"][""]["dependencies"]["firebase-tools"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "an exact version, not a range"
    assert lock["packages"]["node_modules/firebase-tools"]["version"] == pinned


def cloud_build_command(step: dict[str, Any], substitutions: dict[str, str]) -> list[str]:
    """The step's command as Cloud Build runs it: $NAME and ${NAME} substituted, $$ a $."""

    def substitute(text: str) -> str:
        def value(match: re.Match[str]) -> str:
            return (
                "$" if match.group(0) == "$$" else substitutions[match.group(1) or match.group(2)]
            )

        return re.sub(
            r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", value, text
        )

    return [step["entrypoint"], *(substitute(str(arg)) for arg in step["args"])]


def workspace(tmp_path: Path, web_config: dict[str, Any]) -> Path:
    """A build's workspace after web-config: the built app, Terraform's web_config, and
    the tested venv and infra package where the test step left them."""
    (tmp_path / ".venv").symlink_to(REPO_ROOT / ".venv")
    (tmp_path / "infra").symlink_to(REPO_ROOT / "infra")
    (tmp_path / "web" / "dist").mkdir(parents=True)
    (tmp_path / "web" / "dist" / "index.html").write_text("<!doctype html>", "utf-8")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "web-config.json").write_text(json.dumps(web_config), "utf-8")
    return tmp_path


@pytest.mark.parametrize("google_sign_in", [True, False])
def test_the_release_gets_the_headers_and_config_of_infra_web_hosting(
    build: dict[str, Any], tmp_path: Path, google_sign_in: bool
) -> None:
    web_config = {
        "api_url": "https://fnt-api-abc123-ew.a.run.app/api/v1",
        "project_id": "my-fnt-prod",
        "api_key": "AIzaSyExampleKey_123",
        "auth_domain": "my-fnt-prod-fnt.web.app",
        "hosting_site": "my-fnt-prod-fnt",
        "google_sign_in": google_sign_in,
    }
    assert set(web_config) == WEB_CONFIG_KEYS
    root = workspace(tmp_path, web_config)
    step = steps(build)["web-hosting-config"]
    command = cloud_build_command(step, {"BRANCH_NAME": "main", "PROJECT_ID": "my-fnt-prod"})
    subprocess.run(command, cwd=root, check=True, capture_output=True, timeout=60)

    settings = HostingSettings(
        api_url=web_config["api_url"],
        project_id="my-fnt-prod",
        api_key=web_config["api_key"],
        auth_domain=web_config["auth_domain"],
        storage_origins=("https://storage.googleapis.com",),
        google_sign_in=google_sign_in,
    )
    app_config = json.loads((root / "web" / "dist" / "config.json").read_text("utf-8"))
    assert app_config == runtime_config(settings)
    hosting = json.loads((root / "web" / "firebase.json").read_text("utf-8"))
    # With the site `firebase deploy --only hosting:SITE` releases to.
    assert hosting == firebase_json(settings, site="my-fnt-prod-fnt")
    assert hosting["hosting"]["site"] == "my-fnt-prod-fnt"


def test_other_branches_build_the_app_but_release_nothing(
    build: dict[str, Any], tmp_path: Path
) -> None:
    root = workspace(tmp_path, {})
    for name in ("web-hosting-config", "web-deploy"):
        command = cloud_build_command(
            steps(build)[name],
            {"BRANCH_NAME": "feature", "PROJECT_ID": "my-fnt-prod", "SHORT_SHA": "abc1234"},
        )
        subprocess.run(command, cwd=root, check=True, capture_output=True, timeout=60)
    assert not (root / "web" / "firebase.json").exists()
    assert not (root / "web" / "dist" / "config.json").exists()
