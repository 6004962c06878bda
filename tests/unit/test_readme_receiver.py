"""The README's receiver example, run as written against deliveries the product signs."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from shared.webhooks.signatures import new_message_id, new_secret, webhook_headers

README = Path(__file__).parents[2] / "README.md"


def receiver(secret: str) -> Any:
    """The example's `receive`, with its SECRET set to `secret`."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    (example,) = [block for block in blocks if "def receive(" in block]
    namespace: dict[str, Any] = {}
    exec(example.replace('SECRET = "whsec_..."', f"SECRET = {secret!r}"), namespace)
    return namespace["receive"]


def delivery(secrets: list[str], body: bytes, at: float | None = None) -> dict[str, str]:
    return webhook_headers(secrets, new_message_id(), int(at or time.time()), body)


def test_the_example_accepts_a_signed_delivery_once_and_refuses_forgeries() -> None:
    secret = new_secret()
    receive = receiver(secret)
    body = b'{"type":"job.completed","timestamp":"2026-12-01T10:00:00Z","data":{"job_id":"x"}}'
    headers = delivery([secret], body)

    assert receive(headers, body)["type"] == "job.completed"
    assert receive(headers, body) is None  # a retry of the same message
    with pytest.raises(ValueError, match="signature"):
        receive(delivery([new_secret()], body), body)
    with pytest.raises(ValueError, match="signature"):
        receive(delivery([secret], body), body.replace(b"x", b"y"))
    with pytest.raises(ValueError, match="timestamp"):
        receive(delivery([secret], body, at=time.time() - 600), body)


def test_the_example_accepts_either_signature_during_a_rotation() -> None:
    old, new = new_secret(), new_secret()
    body = b'{"type":"webhook.test"}'
    headers = delivery([new, old], body)
    assert receiver(old)(headers, body) == receiver(new)(headers, body) == {"type": "webhook.test"}
