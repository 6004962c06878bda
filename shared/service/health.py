"""Deep health: each dependency probed once, with its latency; one failing makes the
whole "degraded" (503), and the detail names only the error's type."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

# A probe returns None when it ran, or a reason it was skipped.
Probe = Callable[[], str | None]
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class CheckResult:
    status: str  # "ok" | "failing" | "skipped"
    latency_ms: float
    detail: str | None = None


def run_probes(probes: Mapping[str, Probe]) -> dict[str, CheckResult]:
    """Every probe at once, so the slowest alone sets the answer's latency."""
    with ThreadPoolExecutor(max(1, len(probes)), "health") as pool:
        futures = {name: pool.submit(_timed, probe) for name, probe in probes.items()}
        return {name: future.result() for name, future in futures.items()}


def _timed(probe: Probe) -> CheckResult:
    started = time.perf_counter()
    try:
        skipped = probe()
    except Exception as error:  # a probe's whole point is to report any failure
        return CheckResult("failing", _ms(started), type(error).__name__)
    if skipped is not None:
        return CheckResult("skipped", _ms(started), skipped)
    return CheckResult("ok", _ms(started))


def _ms(started: float) -> float:
    return round(1000 * (time.perf_counter() - started), 1)
