"""Readiness probes and the wait that turns a dead or silent component into an error."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Collection

import grpc
import requests

from infra.local_stack.errors import ComponentError
from infra.local_stack.process import ManagedProcess

# A probe gets the process it checks, so that a probe can read the process's log.
Probe = Callable[[ManagedProcess], bool]

_POLL_SECONDS = 0.1
# Short, so that one slow probe does not delay the others polled in the same round.
_GRPC_PROBE_SECONDS = 0.2


def http_answers(url: str) -> Probe:
    """Ready as soon as anything answers HTTP at `url`, whatever the status."""

    def probe(_process: ManagedProcess) -> bool:
        try:
            requests.get(url, timeout=1)
        except requests.RequestException:
            return False
        return True

    return probe


def http_ok(url: str) -> Probe:
    """Ready once `url` answers 200 (a server that answers before it is ready does not)."""

    def probe(_process: ManagedProcess) -> bool:
        try:
            return requests.get(url, timeout=1).status_code == 200
        except requests.RequestException:
            return False

    return probe


def grpc_answers(target: str) -> Probe:
    """Ready once a gRPC channel to `target` connects."""

    def probe(_process: ManagedProcess) -> bool:
        with grpc.insecure_channel(target) as channel:
            try:
                grpc.channel_ready_future(channel).result(timeout=_GRPC_PROBE_SECONDS)
            except grpc.FutureTimeoutError:
                return False
        return True

    return probe


def clamd_answers(address: str) -> Probe:
    """Ready once clamd answers PING (it loads its signatures first)."""
    host, _, port = address.rpartition(":")

    def probe(_process: ManagedProcess) -> bool:
        try:
            with socket.create_connection((host, int(port)), timeout=1) as connection:
                connection.sendall(b"zPING\0")
                return connection.recv(16).startswith(b"PONG")
        except OSError:
            return False

    return probe


def log_contains(marker: str) -> Probe:
    """Ready once the component wrote `marker` to its log (for processes without a port)."""

    def probe(process: ManagedProcess) -> bool:
        try:
            return marker in process.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return False

    return probe


def poll_until_ready(
    pending: dict[str, tuple[ManagedProcess, Probe]],
    needed: Collection[str],
    timeout_seconds: float,
) -> dict[str, float]:
    """Probe every pending component until all `needed` ones are ready.

    Components found ready are removed from `pending` and returned with their
    startup time (seconds since spawn). Probing all of them in each round, not
    one after the other, keeps each measured time close to the real one.
    Raises ComponentError, quoting the end of the log, if a component exits
    before it is ready or misses its deadline.
    """
    ready: dict[str, float] = {}
    while True:
        for name, (process, probe) in list(pending.items()):
            if _is_ready(process, probe, timeout_seconds):
                ready[name] = time.monotonic() - process.started_at
                del pending[name]
        if not any(name in pending for name in needed):
            return ready
        time.sleep(_POLL_SECONDS)


def _is_ready(process: ManagedProcess, probe: Probe, timeout_seconds: float) -> bool:
    code = process.exit_code()
    if code is not None:
        raise ComponentError(process.failure_report(f"exited with code {code} before ready"))
    if probe(process):
        return True
    if time.monotonic() > process.started_at + timeout_seconds:
        raise ComponentError(process.failure_report(f"not ready after {timeout_seconds:.0f} s"))
    return False
