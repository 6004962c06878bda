"""The Cloud Tasks emulator's own virtualenv.

gcloud-tasks-emulator 0.6.2 pins protobuf<5, which the project's current
google-cloud-* clients cannot use, so it lives in .local/venvs/tasks-emulator,
created on first use and reused afterwards.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

from infra.local_stack.errors import PrerequisiteError
from infra.local_stack.paths import VENVS_DIR

TASKS_EMULATOR_REQUIREMENT = "gcloud-tasks-emulator==0.6.2"
DEFAULT_VENV = VENVS_DIR / "tasks-emulator"
_MARKER = "installed-requirement.txt"


def ensure_tasks_emulator_venv(venv: Path = DEFAULT_VENV) -> Path:
    """Return the venv's python, creating the venv first if it is missing or stale."""
    python = venv / "bin" / "python"
    marker = venv / _MARKER
    venv.parent.mkdir(parents=True, exist_ok=True)
    # A lock, because a test run and `up` may both try to create it at once.
    with (venv.parent / f"{venv.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _read(marker) != TASKS_EMULATOR_REQUIREMENT:
            _run([sys.executable, "-m", "venv", "--clear", str(venv)])
            _run([str(python), "-m", "pip", "install", "--quiet", TASKS_EMULATOR_REQUIREMENT])
            marker.write_text(TASKS_EMULATOR_REQUIREMENT)
    return python


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return None


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise PrerequisiteError(
            f"could not set up the Cloud Tasks emulator venv ({' '.join(argv)} failed; it"
            f" needs PyPI access to install {TASKS_EMULATOR_REQUIREMENT}):\n{tail}"
        )
