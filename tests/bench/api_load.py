"""Load on the local stack's API: simulated users mixing reads of jobs, history, settings
and their own usage.

    python -m tests.bench.api_load [--users 100] [--seconds 30] [--think 0.2]

Each user has one job; each loops: GET /jobs/{id} (40%), GET /jobs (30%), GET
/settings (15%), GET /me (15%), with a random pause of up to `--think` seconds between
requests. Prints requests per second, latency percentiles overall and per endpoint,
and errors. Rate limits are raised for the run (the quotas are not what is measured).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import threading
import time
from collections import Counter, defaultdict

from infra.api_client import ApiClient, local_api_client
from infra.local_stack import LocalStack
from infra.local_stack.paths import LOG_DIR
from infra.local_stack.product import product_config

MIX = (("job", 40), ("history", 30), ("settings", 15), ("me", 15))
GENEROUS = json.dumps({"free": {"reads": [1_000_000, 60], "processing": [1_000_000, 3600]}})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.api_load")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=0.2)
    args = parser.parse_args()
    config = product_config(env={"FNT_RATE_LIMITS": GENEROUS}, log_dir=LOG_DIR / "bench-load")
    with LocalStack(config) as stack:
        users = [_user(stack, n) for n in range(args.users)]
        results = _run(users, args.seconds, args.think)
    print(json.dumps(_report(results, args), indent=2))


def _user(stack: LocalStack, n: int) -> tuple[ApiClient, str]:
    client = local_api_client(stack, f"load-user-{n}")
    job_id = client.create_upload("roman.pdf", 100_000, 8)["job_id"]
    return client, job_id


def _run(
    users: list[tuple[ApiClient, str]], seconds: float, think: float
) -> list[tuple[str, float, int]]:
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    kinds = [kind for kind, weight in MIX for _ in range(weight)]

    def loop(client: ApiClient, job_id: str, seed: int) -> None:
        rng = random.Random(seed)
        paths = {"job": f"/jobs/{job_id}", "history": "/jobs", "settings": "/settings", "me": "/me"}
        while time.monotonic() < deadline:
            kind = rng.choice(kinds)
            started = time.perf_counter()
            try:
                status = client.request("GET", paths[kind]).status_code
            except Exception:  # a connection failure is an error of the run
                status = 0
            with lock:
                results.append((kind, time.perf_counter() - started, status))
            time.sleep(rng.uniform(0, think))

    threads = [
        threading.Thread(target=loop, args=(client, job_id, n))
        for n, (client, job_id) in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _percentiles(latencies: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "p50_ms": round(1000 * cuts[49], 1),
        "p95_ms": round(1000 * cuts[94], 1),
        "p99_ms": round(1000 * cuts[98], 1),
    }


def _report(results: list[tuple[str, float, int]], args: argparse.Namespace) -> dict[str, object]:
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, seconds, _ in results:
        by_kind[kind].append(seconds)
    statuses = Counter(status for _, _, status in results)
    return {
        "users": args.users,
        "seconds": args.seconds,
        "think_seconds_max": args.think,
        "requests": len(results),
        "requests_per_second": round(len(results) / args.seconds, 1),
        "errors": sum(n for status, n in statuses.items() if status == 0 or status >= 400),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        **_percentiles([seconds for _, seconds, _ in results]),
        "by_endpoint": {kind: _percentiles(values) for kind, values in sorted(by_kind.items())},
    }


if __name__ == "__main__":
    main()
