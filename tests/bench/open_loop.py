"""Open-loop load: requests arrive at a fixed rate whatever the answers' speed, as many
independent users do. A scheduler puts each request on a queue at its exact time; a pool
of workers sends them. Latency runs from the scheduled time, so a request that waited
for a free worker, or for the server, counts its wait.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from infra.api_client import ApiClient
from tests.bench.load_mix import Sample, User, get, is_error, pick_kind, summary
from tests.bench.process_cpu import CpuMeter

_WARM_UP_SECONDS = 0.1  # for the workers' threads to start before the first request
# Requests still queued this long after the last one was due are counted, not sent: a
# rate far past saturation would otherwise take minutes to drain.
_DRAIN_SECONDS = 10.0
_ERROR_SHARE_ALLOWED = 0.01


@dataclass(frozen=True)
class Step:
    rate: float
    samples: list[Sample]
    seconds: float  # the schedule's length, or up to the last answer if that is later
    not_sent: int
    scheduler_late_ms: float  # the most the scheduler itself fell behind its schedule


def run_at_rate(users: Sequence[User], rate: float, seconds: float, workers: int) -> Step:
    """`rate` requests a second for `seconds`, each from a random user, of a random kind."""
    due_times: queue.SimpleQueue[tuple[float, User, str] | None] = queue.SimpleQueue()
    samples: list[Sample] = []
    lock = threading.Lock()
    start = time.perf_counter() + _WARM_UP_SECONDS
    give_up_at = start + seconds + _DRAIN_SECONDS
    last_answer = start
    not_sent = 0

    def work() -> None:
        nonlocal last_answer, not_sent
        client = ApiClient(users[0].client.base_url, token=None, timeout=_DRAIN_SECONDS)
        while (request := due_times.get()) is not None:
            due, user, kind = request
            if time.perf_counter() > give_up_at:
                with lock:
                    not_sent += 1
                continue
            status = get(client, user.path(kind), user.authorization)
            answered = time.perf_counter()
            with lock:
                samples.append(Sample(kind, answered - due, status))
                last_answer = max(last_answer, answered)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    late = _schedule(due_times, users, rate, seconds, start)
    for _ in threads:
        due_times.put(None)
    for thread in threads:
        thread.join()
    elapsed = max(seconds, last_answer - start)
    return Step(rate, samples, elapsed, not_sent, round(1000 * late, 1))


def _schedule(
    due_times: queue.SimpleQueue[tuple[float, User, str] | None],
    users: Sequence[User],
    rate: float,
    seconds: float,
    start: float,
) -> float:
    """Queue each request at its time; the most it fell behind, in seconds."""
    rng = random.Random(rate)
    late = 0.0
    for n in range(round(rate * seconds)):
        due = start + n / rate
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        late = max(late, -wait)
        due_times.put((due, rng.choice(users), pick_kind(rng)))
    return late


def saturation_search(
    users: Sequence[User],
    rates: Sequence[float],
    step_seconds: float,
    workers: int,
    target_p95_ms: float,
    meter: CpuMeter,
) -> dict[str, object]:
    """Each rate in turn, `step_seconds` each, until one misses the target: p95 under
    `target_p95_ms`, under 1% errors and every request sent. The saturation point is the
    highest rate that met it."""
    steps: list[dict[str, object]] = []
    met: list[float] = []
    for rate in rates:
        meter.start()
        step = run_at_rate(users, rate, step_seconds, workers)
        report = _step_report(step, target_p95_ms)
        report["cpu_ms_per_request"] = meter.per_request_ms(len(step.samples))
        steps.append(report)
        if not report["met_target"]:
            break
        met.append(rate)
    return {
        "target_p95_ms": target_p95_ms,
        "saturation_rps": max(met, default=None),
        "step_seconds": step_seconds,
        "workers": workers,
        "steps": steps,
        "rates_not_tried": list(rates[len(steps) :]),
    }


def _step_report(step: Step, target_p95_ms: float) -> dict[str, object]:
    figures = summary(step.samples, step.seconds)
    p95 = figures["p95_ms"]
    errors = sum(is_error(sample.status) for sample in step.samples)
    met = (
        isinstance(p95, float)
        and p95 < target_p95_ms
        and errors <= _ERROR_SHARE_ALLOWED * len(step.samples)
        and not step.not_sent
    )
    return {
        "rate_rps": step.rate,
        **figures,
        "not_sent": step.not_sent,
        "scheduler_late_ms": step.scheduler_late_ms,
        "met_target": met,
    }
