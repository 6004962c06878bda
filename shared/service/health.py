"""Deep health: each dependency probed once, at once, each within a deadline; one failing
makes the whole degraded, and the detail names only the error's type (or the timeout)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

# A probe returns None when it ran, or a reason it was skipped.
Probe = Callable[[], str | None]

CheckStatus = Literal["ok", "failing", "skipped"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    status: CheckStatus
    latency_ms: float
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class HealthReport:
    checks: Mapping[str, CheckResult]

    @property
    def ok(self) -> bool:
        return all(check.status != "failing" for check in self.checks.values())


def deep_health(probes: Mapping[str, Probe], timeout_seconds: float) -> HealthReport:
    """Every probe in a thread of its own: the answer comes within `timeout_seconds`
    however a dependency behaves; a probe still running then counts as failing (its
    daemon thread is left to end with its own client's timeout)."""
    started = time.perf_counter()
    results: dict[str, CheckResult] = {}
    threads = [
        threading.Thread(
            target=_run, args=(name, probe, results), name=f"health-{name}", daemon=True
        )
        for name, probe in probes.items()
    ]
    for thread in threads:
        thread.start()
    deadline = started + timeout_seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()))
    checks = {
        name: results.get(name) or CheckResult("failing", _ms(started), "Timeout")
        for name in probes
    }
    return HealthReport(checks)


def _run(name: str, probe: Probe, results: dict[str, CheckResult]) -> None:
    started = time.perf_counter()
    try:
        skipped = probe()
    except Exception as error:  # a probe's whole point is to report any failure
        results[name] = CheckResult("failing", _ms(started), type(error).__name__)
        return
    if skipped is not None:
        results[name] = CheckResult("skipped", _ms(started), skipped)
    else:
        results[name] = CheckResult("ok", _ms(started))


def _ms(started: float) -> float:
    return round(1000 * (time.perf_counter() - started), 1)
