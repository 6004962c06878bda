"""The rate limiters on the Firestore emulator: latency, Firestore operations, races.

    python -m tests.bench.rate_limiter [--requests 200] [--races 5] [--quick]

Starts a local stack with only the Firestore emulator and prints, as JSON:
- the exact limiter (processing, exports): acquire latency p50/p95 with nobody else on
  the key (a slot taken: a count and a create), refused and peek latency (the count
  alone), and for each race, 50 threads acquiring against a limit of 10 on a fresh key:
  how many were admitted and the wall time;
- the leased limiter (reads) on the free quota (300 a minute): acquire latency, ledger
  writes per 100 requests, and 4 instances x 10 threads racing 400 requests against it:
  how many were admitted (never more than 300).
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
from shared.adapters.firestore_quota_ledger import FirestoreQuotaLedger
from shared.adapters.firestore_rate_limiter import FirestoreRateLimiter
from shared.ratelimit import Quota
from shared.ratelimit.leased import LeasedRateLimiter
from shared.ratelimit.windows import Window
from tests.bench.arguments import parse_args

RACERS = 50
RACE_QUOTA = Quota(10, 3600)
READS = Quota(300, 60)  # the free plan's
INSTANCES = 4
QUICK = {"requests": 40, "races": 1}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.rate_limiter")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--races", type=int, default=5)
    args = parse_args(parser, None, QUICK)

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
        report["leased_reads"] = _leased(client, args.requests, now)
    print(json.dumps(report, indent=2))


class _CountingLedger(FirestoreQuotaLedger):
    writes = 0

    def lease(self, key: str, window: Window, slots: int) -> int:
        self.writes += 1
        return super().lease(key, window, slots)


def _leased(client: firestore.Client, requests: int, now: datetime) -> dict[str, object]:
    ledger = _CountingLedger(client)
    limiter = LeasedRateLimiter(ledger)
    count = min(requests, READS.limit)
    latency = _latency(count, lambda: limiter.acquire("reader", READS, now))
    instances = [LeasedRateLimiter(FirestoreQuotaLedger(client)) for _ in range(INSTANCES)]
    start = threading.Barrier(INSTANCES * 10)

    def burst(n: int) -> int:
        limiter = instances[n % INSTANCES]
        start.wait()
        return sum(limiter.acquire("racer", READS, now).allowed for _ in range(10))

    with ThreadPoolExecutor(max_workers=INSTANCES * 10) as pool:
        admitted = sum(pool.map(burst, range(INSTANCES * 10)))
    return {
        "acquire_ms": latency,
        "ledger_writes_per_100_requests": round(100 * ledger.writes / count, 1),
        f"race_{INSTANCES}_instances_400_vs_300": {"admitted": admitted},
    }


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
