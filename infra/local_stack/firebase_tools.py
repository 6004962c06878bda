"""The Firebase CLI, for its Auth emulator, installed in .local/firebase-tools.

infra/local_stack/firebase/ pins firebase-tools and its whole dependency tree
(package.json and package-lock.json); `npm ci` installs exactly that tree on first use
and it is reused while those two files are unchanged. Optional dependencies are left
out (native add-ons the Auth emulator does not use) and so are install scripts, so the
install needs the npm registry and nothing else; the emulator then runs offline.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from infra.local_stack.errors import PrerequisiteError
from infra.local_stack.paths import LOCAL_DIR

PACKAGE_DIR = Path(__file__).with_name("firebase")
PACKAGE_FILES = ("package.json", "package-lock.json")
DEFAULT_INSTALL = LOCAL_DIR / "firebase-tools"
# The CLI's entry script, run with the machine's node (the .bin shim needs node on PATH).
CLI_SCRIPT = Path("node_modules", "firebase-tools", "lib", "bin", "firebase.js")
NPM_CI = ("ci", "--omit=optional", "--ignore-scripts", "--no-audit", "--no-fund")
_MARKER = "installed-lock.sha256"
# npm itself must not look for a newer npm either.
_NPM_ENV = {"npm_config_update_notifier": "false", "npm_config_loglevel": "error"}


def ensure_firebase_tools(npm: Path, install: Path = DEFAULT_INSTALL) -> Path:
    """Return the CLI's entry script, installing the pinned tree first if it is missing
    or was installed from other package files."""
    wanted = _package_digest()
    script = install / CLI_SCRIPT
    marker = install / _MARKER
    install.parent.mkdir(parents=True, exist_ok=True)
    # A lock, because a test run and `up` may both try to install it at once.
    with (install.parent / f"{install.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _read(marker) != wanted or not script.is_file():
            install.mkdir(exist_ok=True)
            marker.unlink(missing_ok=True)
            for name in PACKAGE_FILES:
                shutil.copyfile(PACKAGE_DIR / name, install / name)
            _run([str(npm), *NPM_CI], install)
            marker.write_text(wanted)
    return script


def _package_digest() -> str:
    digest = hashlib.sha256()
    for name in PACKAGE_FILES:
        digest.update((PACKAGE_DIR / name).read_bytes())
    return digest.hexdigest()


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        return None


def _run(argv: list[str], cwd: Path) -> None:
    result = subprocess.run(
        argv,
        cwd=cwd,
        env={**os.environ, **_NPM_ENV},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise PrerequisiteError(
            f"could not install the Firebase CLI in {cwd} ({' '.join(argv)} failed; it needs"
            f" the npm registry to install {PACKAGE_DIR / 'package-lock.json'}):\n{tail}"
        )
