"""Child processes that each own a process group and a log file."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from infra.local_stack.paths import REPO_ROOT

_POLL_SECONDS = 0.05


@dataclass
class ManagedProcess:
    """A started component. Its pid is also its process group id (own session)."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    started_at: float

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exit_code(self) -> int | None:
        """The leader's exit code, or None while it runs."""
        return self.popen.poll()

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no log written)"
        return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"

    def failure_report(self, what: str) -> str:
        """`what` happened to this component, followed by the end of its log."""
        return f"{self.name} {what}. Last lines of {self.log_path}:\n{self.log_tail()}"

    def signal_group(self, signum: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):  # the group is already gone
            os.killpg(self.pid, signum)

    def is_gone(self) -> bool:
        """True once the leader is reaped and no live process remains in its group.

        gcloud starts Java as a grandchild, so the leader dying is not enough.
        """
        self.popen.poll()
        return self.popen.returncode is not None and not live_group_members(self.pid)


def spawn(
    name: str,
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    log_dir: Path,
    cwd: Path = REPO_ROOT,
) -> ManagedProcess:
    """Start `argv` in `cwd` in a new session (own process group), output to
    <log_dir>/<name>.log.

    The new session also keeps Ctrl-C in a terminal from reaching the children
    directly: the parent decides when and how they stop.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
        )
    return ManagedProcess(name, popen, log_path, time.monotonic())


def stop_all(processes: Iterable[ManagedProcess], grace_seconds: float) -> None:
    """SIGTERM every group at once, then SIGKILL whatever outlives the grace period."""
    pending = list(processes)
    for process in pending:
        process.signal_group(signal.SIGTERM)
    pending = _wait_gone(pending, time.monotonic() + grace_seconds)
    for process in pending:
        process.signal_group(signal.SIGKILL)
    _wait_gone(pending, time.monotonic() + grace_seconds)


def _wait_gone(processes: list[ManagedProcess], deadline: float) -> list[ManagedProcess]:
    pending = [p for p in processes if not p.is_gone()]
    while pending and time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
        pending = [p for p in pending if not p.is_gone()]
    return pending


def live_group_members(pgid: int) -> list[int]:
    """Pids of the non-zombie processes in group `pgid` (Linux /proc).

    Zombies are skipped: they are already dead and only wait for their new parent
    (init) to reap them, so counting them would make every stop time out.
    """
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        # Fields after the parenthesised command name: state ppid pgrp ...
        state, _ppid, pgrp = stat.rpartition(")")[2].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry.name))
    return members
