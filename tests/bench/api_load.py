"""Load on the local stack's API, closed loop and open loop side by side on one stack.

    python -m tests.bench.api_load [--users 100] [--think 1.0] [--seconds 30]
        [--rates 50,100,200,300,400,600,800] [--step-seconds 5] [--workers 64] [--quick]

Every request is a read of the mix a frontend makes: GET /jobs/{id} (40%), GET /jobs
(30%), GET /settings (15%), GET /me (15%), by one of `--users` free users, each with a
job, on the free plan's read quota (300 a minute): each request pays for its quota check
as in production, and the default run stays well under it (a longer one may see 429s,
counted as errors).

1. Closed loop: each user polls, pausing `--think` seconds on average after each answer
   (1.0: 100 users polling about once a second), for `--seconds`.
2. Open loop: requests arrive at a fixed rate whatever the answers' speed, sent by a pool
   of `--workers`, latency counted from each request's scheduled time; each rate of
   `--rates` for `--step-seconds`, up to the first that misses p95 < 200 ms. The
   saturation point is the highest rate that met it.

Prints, as JSON, for each: requests per second, latency percentiles overall and by
endpoint, errors by status, and the CPU milliseconds per request of the api function's
processes, of the Firestore emulator and of the benchmark itself.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from infra.local_stack import LocalStack
from infra.local_stack.paths import LOG_DIR
from infra.local_stack.product import product_config
from tests.bench.arguments import int_list, parse_args
from tests.bench.closed_loop import run_closed_loop
from tests.bench.load_mix import make_users, summary
from tests.bench.open_loop import saturation_search
from tests.bench.process_cpu import CpuMeter

# Each user makes one upload; the reads keep the free plan's quota.
GENEROUS = json.dumps({"free": {"processing": [1_000_000, 3600]}})
CPU_COMPONENTS = ("function-api", "firestore")
TARGET_P95_MS = 200.0
QUICK = {
    "users": 4,
    "think": 0.2,
    "seconds": 2.0,
    "rates": "10,20",
    "step_seconds": 1.0,
    "workers": 4,
}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.api_load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause, seconds")
    parser.add_argument("--seconds", type=float, default=30.0, help="of the closed loop")
    parser.add_argument("--rates", type=int_list, default="50,100,200,300,400,600,800")
    parser.add_argument("--step-seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=64)
    args = parse_args(parser, argv, QUICK)

    config = product_config(env={"FNT_RATE_LIMITS": GENEROUS}, log_dir=LOG_DIR / "bench-load")
    with LocalStack(config) as stack:
        users = make_users(stack, args.users)
        meter = CpuMeter(stack.pids, CPU_COMPONENTS)
        meter.start()
        samples = run_closed_loop(users, args.seconds, args.think)
        closed_loop = {
            "users": args.users,
            "think_seconds_mean": args.think,
            "seconds": args.seconds,
            **summary(samples, args.seconds),
            "cpu_ms_per_request": meter.per_request_ms(len(samples)),
        }
        open_loop = saturation_search(
            users, args.rates, args.step_seconds, args.workers, TARGET_P95_MS, meter
        )
    print(json.dumps({"closed_loop": closed_loop, "open_loop": open_loop}, indent=2))


if __name__ == "__main__":
    main()
