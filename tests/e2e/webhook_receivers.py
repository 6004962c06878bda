"""A webhook receiver for the stack's tests: a real local HTTP server that checks each
delivery's signature with the reference implementation of Standard Webhooks (not the
product's code) and answers as a test scripts it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from standardwebhooks import Webhook

from tests.webhooks.receivers import Handler, Received, Receiver, answer_ok

Answer = Callable[[Handler], None]


def payload(request: Received, secret: str) -> dict[str, Any]:
    """The delivery's payload, once the reference implementation has verified it."""
    verified: dict[str, Any] = Webhook(secret).verify(request.body, request.headers)
    return verified


def of_type(receiver: Receiver, event_type: str) -> list[Received]:
    return [r for r in receiver.requests if json.loads(r.body)["type"] == event_type]


def wait_for(
    receiver: Receiver, count: int, event_type: str | None = None, timeout: float = 60.0
) -> list[Received]:
    deadline = time.monotonic() + timeout
    while True:
        found = of_type(receiver, event_type) if event_type else list(receiver.requests)
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(found)} of {count} deliveries after {timeout} s")
        time.sleep(0.05)


@contextmanager
def receiver(answer: Answer = answer_ok) -> Iterator[Receiver]:
    with Receiver(answer=answer) as started:
        yield started
