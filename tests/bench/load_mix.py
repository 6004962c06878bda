"""What the load benchmarks send and how they sum it up: simulated users, each with one
job, reading their job's status, their history, their settings and their usage.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import requests

from infra.api_client import ApiClient, local_api_client
from infra.local_stack import LocalStack

# A frontend's reads, by weight: the open job's progress most, then the history.
MIX = (("job", 40), ("history", 30), ("settings", 15), ("me", 15))
_KINDS = [kind for kind, weight in MIX for _ in range(weight)]
NO_ANSWER = 0  # the status of a request that got no HTTP answer (refused, timed out)


@dataclass(frozen=True)
class User:
    client: ApiClient  # this user's own session: one thread at a time uses it
    job_id: str

    @property
    def authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.client.token}"}

    def path(self, kind: str) -> str:
        paths = {
            "job": f"/jobs/{self.job_id}",
            "history": "/jobs",
            "settings": "/settings",
            "me": "/me",
        }
        return paths[kind]


@dataclass(frozen=True, slots=True)
class Sample:
    kind: str
    seconds: float
    status: int


def make_users(stack: LocalStack, count: int) -> list[User]:
    """Free users (the role every sign-up gets, so each request pays for its quota check),
    each with a job awaiting its upload."""
    users = []
    for n in range(count):
        client = local_api_client(stack, f"load-user-{n}")
        users.append(User(client, client.create_upload("roman.pdf", 100_000, 8)["job_id"]))
    return users


def pick_kind(rng: random.Random) -> str:
    return rng.choice(_KINDS)


def get(client: ApiClient, path: str, headers: dict[str, str] | None = None) -> int:
    """The status of GET `path`, or NO_ANSWER."""
    try:
        return client.request("GET", path, headers=headers or {}).status_code
    except requests.RequestException:
        return NO_ANSWER


def percentiles(seconds: Sequence[float]) -> dict[str, float | None]:
    if len(seconds) < 2:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {f"p{p}_ms": round(1000 * cuts[p - 1], 1) for p in (50, 95, 99)}


def is_error(status: int) -> bool:
    return status == NO_ANSWER or status >= 400


def summary(samples: Sequence[Sample], seconds: float) -> dict[str, object]:
    """Requests, their rate over `seconds`, errors by status, latency percentiles overall
    and by endpoint."""
    statuses = Counter(sample.status for sample in samples)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample.seconds)
    return {
        "requests": len(samples),
        "requests_per_second": round(len(samples) / seconds, 1),
        "errors": sum(n for status, n in statuses.items() if is_error(status)),
        "statuses": {str(status): n for status, n in sorted(statuses.items())},
        **percentiles([sample.seconds for sample in samples]),
        "by_endpoint": {kind: percentiles(values) for kind, values in sorted(by_kind.items())},
    }
