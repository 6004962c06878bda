"""How each component is launched: command line, extra environment, readiness probe."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from infra.local_stack.config import FunctionSpec
from infra.local_stack.paths import REPO_ROOT
from infra.local_stack.ports import LOOPBACK
from infra.local_stack.readiness import (
    Probe,
    clamd_answers,
    grpc_answers,
    http_answers,
    http_ok,
    log_contains,
)

# gcloud must never prompt or reach the network for update checks.
_GCLOUD_ENV = {
    "CLOUDSDK_CORE_DISABLE_PROMPTS": "1",
    "CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK": "1",
    "CLOUDSDK_CORE_DISABLE_USAGE_REPORTING": "true",
}
_TASKS_RUNNER_SCRIPT = Path(__file__).with_name("tasks_emulator_runner.py")
# Python children write their logs unbuffered, so a log file is current when read.
_PYTHON_ENV = {"PYTHONUNBUFFERED": "1"}
# Logged by the event bridge once it reached its subscription; it has no port to probe.
BRIDGE_READY_MARKER = "event bridge ready"
# The Firebase CLI must not reach the network: no message-of-the-day or update check
# (CI is the switch for the first), no usage reports (off unless a user opted in, in
# its own config directory, which starts empty).
_FIREBASE_ENV = {"CI": "true", "NO_UPDATE_NOTIFIER": "1"}


@dataclass(frozen=True)
class Launch:
    """Everything needed to start one component and know when it is ready."""

    name: str
    argv: Sequence[str]
    probe: Probe
    env: Mapping[str, str] = field(default_factory=dict)  # on top of os.environ
    cwd: Path | None = None  # None: the repository's root


@dataclass(frozen=True)
class NotificationTopic:
    """Where fake-gcs-server publishes object notifications."""

    emulator_host: str
    project: str
    topic_id: str


def firestore_emulator(gcloud: Path, port: int) -> Launch:
    return Launch(
        name="firestore",
        argv=(str(gcloud), "emulators", "firestore", "start", f"--host-port={LOOPBACK}:{port}"),
        probe=http_answers(f"http://{LOOPBACK}:{port}/"),
        env=_GCLOUD_ENV,
    )


def pubsub_emulator(gcloud: Path, port: int, data_dir: str) -> Launch:
    # Its own --data-dir: by default gcloud writes env.yaml into ~/.config/gcloud,
    # shared by every stack running on the machine.
    return Launch(
        name="pubsub",
        argv=(
            str(gcloud), "beta", "emulators", "pubsub", "start",
            f"--host-port={LOOPBACK}:{port}", f"--data-dir={data_dir}",
        ),
        probe=http_answers(f"http://{LOOPBACK}:{port}/"),
        env=_GCLOUD_ENV,
    )  # fmt: skip


def fake_gcs_server(binary: Path, port: int, notifications: NotificationTopic | None) -> Launch:
    address = f"{LOOPBACK}:{port}"
    # -public-host must be the served address, or signed-URL PUTs are not
    # recognised as object uploads.
    argv = [
        str(binary), "-scheme", "http", "-backend", "memory",
        "-host", LOOPBACK, "-port", str(port),
        "-public-host", address, "-external-url", f"http://{address}",
        # A browser's PUT to a signed URL sends this header, so its preflight must be
        # granted it (fake-gcs then allows any origin); without it the preflight is 403.
        "-cors-headers", "X-Goog-Content-Length-Range",
    ]  # fmt: skip
    env = {}
    if notifications is not None:
        argv += [
            "-event.pubsub-project-id", notifications.project,
            "-event.pubsub-topic", notifications.topic_id,
            "-event.list", "finalize",
        ]  # fmt: skip
        env["PUBSUB_EMULATOR_HOST"] = notifications.emulator_host
    return Launch(
        name="storage",
        argv=argv,
        probe=http_answers(f"http://{address}/storage/v1/b"),
        env=env,
    )


def tasks_emulator(
    python: Path,
    port: int,
    queue_paths: Sequence[str],
    max_retries: int | None,
    max_concurrent_dispatches: Mapping[str, int],
) -> Launch:
    # Flags checked against `gcloud-tasks-emulator start --help` (0.6.2): -q is
    # --quiet and -r is --max-retries; queues are created with --default-queue.
    argv = [
        # -I: isolated from PYTHON* variables and the project's modules; so -u, not
        # PYTHONUNBUFFERED.
        str(python), "-I", "-u", "-W", "ignore::FutureWarning", str(_TASKS_RUNNER_SCRIPT),
        "start", "--port", str(port),
    ]  # fmt: skip
    for queue_path in queue_paths:
        argv += ["--default-queue", queue_path]
    if max_retries is not None:
        argv += ["--max-retries", str(max_retries)]
    return Launch(
        name="tasks",
        argv=argv,
        probe=grpc_answers(f"{LOOPBACK}:{port}"),
        env={"TASKS_MAX_CONCURRENT_DISPATCHES": json.dumps(dict(max_concurrent_dispatches))},
    )


def event_bridge(subscription: str, target_url: str, pubsub_host: str) -> Launch:
    return Launch(
        name="event-bridge",
        argv=(
            sys.executable, "-m", "infra.local_stack.event_bridge",
            "--subscription", subscription, "--target", target_url,
        ),
        probe=log_contains(BRIDGE_READY_MARKER),
        env={**_PYTHON_ENV, "PUBSUB_EMULATOR_HOST": pubsub_host},
    )  # fmt: skip


def clamd(binary: Path, port: int, signatures: Path, run_dir: str) -> Launch:
    """The real clamd on a loopback port, reading `signatures` (no update runs)."""
    config = Path(run_dir) / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"DatabaseDirectory {signatures}",
                f"TCPSocket {port}",
                f"TCPAddr {LOOPBACK}",
                "Foreground yes",  # its messages go to its log, as the other components'
                # Uploads go to 50 MB; a larger stream is an error, never a clean verdict.
                "StreamMaxLength 64M",
                "MaxFileSize 64M",
                "MaxScanSize 256M",
                f"PidFile {Path(run_dir) / 'clamd.pid'}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return Launch(
        name="clamav",
        argv=(str(binary), "-c", str(config)),
        probe=clamd_answers(f"{LOOPBACK}:{port}"),
    )


@dataclass(frozen=True)
class AuthEmulatorPorts:
    """The Auth emulator's port, and the two the Firebase CLI opens beside it (its
    emulator hub and logging server), each free, so that stacks can run side by side."""

    auth: int
    hub: int
    logging: int


def auth_emulator(
    node: Path, cli_script: Path, ports: AuthEmulatorPorts, project: str, run_dir: str
) -> Launch:
    """`firebase emulators:start --only auth` for `project`, in a directory of its own.

    There it finds its firebase.json, writes its debug log, keeps its config store and
    its hub's locator file (TMPDIR), none of which then reach the repository, the
    user's home or another stack.
    """
    home = Path(run_dir) / "firebase"
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    config = home / "firebase.json"
    emulators = {
        "auth": {"host": LOOPBACK, "port": ports.auth},
        "hub": {"host": LOOPBACK, "port": ports.hub},
        "logging": {"host": LOOPBACK, "port": ports.logging},
        "ui": {"enabled": False},
        "singleProjectMode": True,
    }
    config.write_text(json.dumps({"emulators": emulators}, indent=2) + "\n", encoding="utf-8")
    return Launch(
        name="auth",
        argv=(
            str(node), str(cli_script), "emulators:start", "--only", "auth",
            "--project", project, "--config", str(config),
        ),
        probe=http_ok(f"http://{LOOPBACK}:{ports.auth}/"),
        env={
            **_FIREBASE_ENV,
            "XDG_CONFIG_HOME": str(home / "config"),
            "TMPDIR": str(home / "tmp"),
        },
        cwd=home,
    )  # fmt: skip


APP_COMPONENT = "app"


def app_server(dist: Path, port: int, site_file: Path) -> Launch:
    """The web app's server (infra/local_stack/app_server.py) on a loopback port."""
    return Launch(
        name=APP_COMPONENT,
        argv=(
            sys.executable, "-m", "infra.local_stack.app_server",
            "--dist", str(dist), "--host", LOOPBACK, "--port", str(port),
            "--site", str(site_file),
        ),
        probe=http_ok(f"http://{LOOPBACK}:{port}/config.json"),
        env=_PYTHON_ENV,
    )  # fmt: skip


def function_component_name(function_name: str) -> str:
    return f"function-{function_name}"


def function(spec: FunctionSpec, port: int, env: Mapping[str, str]) -> Launch:
    return Launch(
        name=function_component_name(spec.name),
        argv=(
            sys.executable, "-m", "functions_framework",
            "--source", str(spec.source), "--target", spec.target,
            "--signature-type", spec.signature_type,
            "--host", LOOPBACK, "--port", str(port),
        ),
        # functions-framework answers /robots.txt itself (404): the probe never
        # runs the function's code.
        probe=http_answers(f"http://{LOOPBACK}:{port}/robots.txt"),
        # The repo root on the path: functions import the `shared` package, which a
        # deployment packages next to main.py.
        env={**_PYTHON_ENV, "PYTHONPATH": str(REPO_ROOT), **env, **spec.env},
    )  # fmt: skip
