"""Signatures and headers, verified by the reference implementation of Standard Webhooks."""

from __future__ import annotations

import base64
import re
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from shared.webhooks.signatures import (
    message_id_for,
    new_message_id,
    new_secret,
    secret_key,
    sign,
    signature_header,
    webhook_headers,
)

BODY = b'{"type":"job.completed","timestamp":"2026-01-02T03:04:05Z","data":{"job_id":"ab"}}'
MESSAGE_ID = "msg_" + "0123456789abcdef" * 2
MESSAGE_ID_PATTERN = re.compile(r"^msg_[0-9a-f]{32}$")


def now() -> int:
    return int(time.time())


def test_a_new_secret_is_whsec_and_the_base64_of_32_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert secret_key(secret) == base64.b64decode(secret.removeprefix("whsec_"))
    assert new_secret() != secret


def test_the_signature_is_the_one_the_reference_implementation_computes() -> None:
    secret = new_secret()
    timestamp = 1674087231
    expected = Webhook(secret).sign(
        MESSAGE_ID, datetime.fromtimestamp(timestamp, UTC), BODY.decode()
    )
    assert sign(secret, MESSAGE_ID, timestamp, BODY) == expected
    assert expected.startswith("v1,")


def test_the_reference_implementation_accepts_the_headers() -> None:
    secret = new_secret()
    headers = webhook_headers([secret], MESSAGE_ID, now(), BODY)

    assert Webhook(secret).verify(BODY, headers) == {
        "type": "job.completed",
        "timestamp": "2026-01-02T03:04:05Z",
        "data": {"job_id": "ab"},
    }
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature", "content-type"}
    assert headers["webhook-id"] == MESSAGE_ID
    assert headers["content-type"] == "application/json"
    assert re.fullmatch(r"[0-9]+", headers["webhook-timestamp"])


def test_during_a_rotation_either_secret_verifies_and_the_current_one_signs_first() -> None:
    current, previous = new_secret(), new_secret()
    timestamp = now()
    headers = webhook_headers([current, previous], MESSAGE_ID, timestamp, BODY)

    signatures = headers["webhook-signature"].split(" ")
    assert signatures == [
        sign(current, MESSAGE_ID, timestamp, BODY),
        sign(previous, MESSAGE_ID, timestamp, BODY),
    ]
    assert signatures[0] != signatures[1]
    Webhook(current).verify(BODY, headers)
    Webhook(previous).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_a_tampered_body_timestamp_or_id_is_refused() -> None:
    secret = new_secret()
    timestamp = now()
    headers = webhook_headers([secret], MESSAGE_ID, timestamp, BODY)
    verifier = Webhook(secret)

    with pytest.raises(WebhookVerificationError):
        verifier.verify(BODY.replace(b'"ab"', b'"ac"'), headers)
    with pytest.raises(WebhookVerificationError):
        verifier.verify(BODY, {**headers, "webhook-timestamp": str(timestamp - 1)})
    with pytest.raises(WebhookVerificationError):
        verifier.verify(BODY, {**headers, "webhook-id": new_message_id()})
    # A stale delivery is refused by the receiver, however well signed.
    stale = webhook_headers([secret], MESSAGE_ID, timestamp - 3600, BODY)
    with pytest.raises(WebhookVerificationError):
        verifier.verify(BODY, stale)


def test_a_signature_depends_on_each_part() -> None:
    secret = new_secret()
    base = sign(secret, MESSAGE_ID, 1700000000, BODY)
    assert sign(secret, MESSAGE_ID, 1700000000, BODY) == base
    assert sign(new_secret(), MESSAGE_ID, 1700000000, BODY) != base
    assert sign(secret, new_message_id(), 1700000000, BODY) != base
    assert sign(secret, MESSAGE_ID, 1700000001, BODY) != base
    assert sign(secret, MESSAGE_ID, 1700000000, BODY + b" ") != base


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "whsec_",
        "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",  # no prefix
        "whsec_not base64!",
        "whsec_" + base64.b64encode(b"x" * 16).decode(),  # too short
        "whsec_" + base64.b64encode(b"x" * 65).decode(),  # too long
    ],
)
def test_a_malformed_secret_is_refused(secret: str) -> None:
    with pytest.raises(ValueError):
        secret_key(secret)
    with pytest.raises(ValueError):
        sign(secret, MESSAGE_ID, 1, BODY)


@pytest.mark.parametrize("message_id", ["", "msg_a.b", "msg a", "msg_\r\nx", "é"])
def test_a_message_id_that_could_shift_the_signed_content_is_refused(message_id: str) -> None:
    with pytest.raises(ValueError):
        sign(new_secret(), message_id, 1, BODY)


@pytest.mark.parametrize("timestamp", [-1, True, 1.5])
def test_a_timestamp_is_whole_seconds(timestamp: int) -> None:
    with pytest.raises(ValueError):
        sign(new_secret(), MESSAGE_ID, timestamp, BODY)


def test_a_signature_header_needs_a_sequence_of_secrets() -> None:
    with pytest.raises(ValueError):
        signature_header([], MESSAGE_ID, 1, BODY)
    with pytest.raises(TypeError):
        signature_header(new_secret(), MESSAGE_ID, 1, BODY)


def test_message_ids_have_the_task_message_shape() -> None:
    made = {new_message_id() for _ in range(100)}
    assert len(made) == 100
    assert all(MESSAGE_ID_PATTERN.match(m) for m in made)

    derived = message_id_for("job.completed:0123")
    assert MESSAGE_ID_PATTERN.match(derived)
    assert message_id_for("job.completed:0123") == derived
    assert message_id_for("job.completed:0124") != derived
    assert message_id_for("job.failed:0123") != derived
    assert message_id_for("é") != message_id_for("e")
