"""Closed-loop load: each user sends a request, waits for the answer, pauses, sends the
next. A slow server slows the users down, so the rate follows the latency."""

from __future__ import annotations

import random
import threading
import time

from tests.bench.load_mix import Sample, User, get, pick_kind


def run_closed_loop(users: list[User], seconds: float, think: float) -> list[Sample]:
    """Every user in its own thread for `seconds`, pausing `think` seconds on average
    (uniformly 0.5 to 1.5 times it, so users drift apart) after each answer."""
    samples: list[Sample] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(user: User, seed: int) -> None:
        rng = random.Random(seed)
        time.sleep(rng.uniform(0, think))  # users arrive spread over one pause
        while time.monotonic() < deadline:
            kind = pick_kind(rng)
            started = time.perf_counter()
            status = get(user.client, user.path(kind))
            with lock:
                samples.append(Sample(kind, time.perf_counter() - started, status))
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=loop, args=(user, n)) for n, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples
