"""Latency of the Firestore rate limiter on the emulator, alone and under a race.

    python -m tests.bench.rate_limiter [--requests 200] [--races 5]

Starts a local stack with only the Firestore emulator and prints, as JSON: acquire
latency p50/p95 with nobody else on the key (a slot taken: a count and a create),
refused and peek latency (the count alone), and for each race, 50 threads acquiring
against a limit of 10 on a fresh key: how many were admitted and the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore

from infra.local_stack import LocalStack, Service, StackConfig
from infra.local_stack.paths import LOG_DIR
from shared.adapters.firestore_rate_limiter import FirestoreRateLimiter
from shared.ratelimit import Quota

RACERS = 50
RACE_QUOTA = Quota(10, 3600)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.rate_limiter")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--races", type=int, default=5)
    args = parser.parse_args()

    config = StackConfig(
        services=frozenset({Service.FIRESTORE}), task_queues=(), log_dir=LOG_DIR / "bench"
    )
    with LocalStack(config) as stack:
        os.environ.update(stack.env())  # the Firestore client finds the emulator there
        client = firestore.Client(project=stack.config.project, credentials=AnonymousCredentials())
        limiter = FirestoreRateLimiter(client)
        now = datetime.now(UTC)
        roomy = Quota(args.requests, 3600)
        full = Quota(1, 3600)
        limiter.acquire("full", full, now)
        _latency(20, lambda: limiter.acquire("warm-up", roomy, now))  # the emulator's JIT
        report: dict[str, object] = {
            "acquire_admitted_ms": _latency(
                args.requests, lambda: limiter.acquire("k", roomy, now)
            ),
            "acquire_refused_ms": _latency(
                args.requests, lambda: limiter.acquire("full", full, now)
            ),
            "peek_ms": _latency(args.requests, lambda: limiter.peek("k", roomy, now)),
        }
        races = [_race(limiter, f"race-{number}", now) for number in range(args.races)]
        report["race_50_vs_10"] = {
            "admitted": [admitted for admitted, _ in races],
            "wall_seconds": [seconds for _, seconds in races],
        }
    print(json.dumps(report, indent=2))


def _latency(count: int, call: Callable[[], object]) -> dict[str, float]:
    seconds = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    cuts = statistics.quantiles(seconds, n=20)
    return {"p50": round(cuts[9] * 1000, 2), "p95": round(cuts[18] * 1000, 2)}


def _race(limiter: FirestoreRateLimiter, key: str, now: datetime) -> tuple[int, float]:
    """(requests admitted, wall seconds) of RACERS threads acquiring at once on `key`."""
    start = threading.Barrier(RACERS)

    def acquire(_: int) -> bool:
        start.wait()
        return limiter.acquire(key, RACE_QUOTA, now).allowed

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        started = time.perf_counter()
        admitted = list(pool.map(acquire, range(RACERS)))
        wall = time.perf_counter() - started
    return admitted.count(True), round(wall, 3)


if __name__ == "__main__":
    main()
