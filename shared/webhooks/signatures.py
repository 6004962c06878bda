"""Signing secrets, message ids and the signed headers of a delivery (Standard Webhooks).

A secret is "whsec_" and the base64 of 32 random bytes. A delivery is signed over
"{message id}.{timestamp}.{body}" with HMAC-SHA256 of the secret's bytes; the signature is
sent as "v1," and its base64. During a rotation the header carries one signature per
secret still valid, space-separated, the current one first: a receiver that knows
either secret accepts the delivery.

The message id and the timestamp are ours, never a user's, and carry no ".": nothing
can shift the boundary between them and the body.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Sequence
from secrets import token_bytes, token_hex

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# What a secret given to secret_key may hold: Standard Webhooks asks for 24 bytes at least.
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
SIGNATURE_VERSION = "v1"
MESSAGE_ID_PREFIX = "msg_"
CONTENT_TYPE = "application/json"

# Ids made here are "msg_" and 32 lowercase hex digits; any id signed is at least kept to
# characters that cannot split the signed content or a header.
_SIGNABLE_ID = re.compile(r"[A-Za-z0-9_-]{1,256}")


def new_secret() -> str:
    """A new signing secret: "whsec_" and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(token_bytes(SECRET_BYTES)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The bytes a secret signs with; ValueError unless it is "whsec_" and base64 of
    24 to 64 bytes."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"A signing secret starts with {SECRET_PREFIX!r}.")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError("A signing secret is base64 after its prefix.") from error
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise ValueError(
            f"A signing secret holds {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes, "
            f"not {len(key)}."
        )
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The "v1,<base64>" signature of one delivery with one secret."""
    content = _signed_content(message_id, timestamp, body)
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def signature_header(secrets: Sequence[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header: one signature per secret, space-separated, in the
    order given (the current secret first)."""
    if isinstance(secrets, str):
        raise TypeError("secrets is a sequence of secrets, not one secret.")
    if not secrets:
        raise ValueError("A delivery is signed with one secret at least.")
    return " ".join(sign(secret, message_id, timestamp, body) for secret in secrets)


def webhook_headers(
    secrets: Sequence[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """Every header a delivery carries besides those of the transport."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets, message_id, timestamp, body),
        "content-type": CONTENT_TYPE,
    }


def new_message_id() -> str:
    """A new random message id: "msg_" and 32 lowercase hex digits."""
    return MESSAGE_ID_PREFIX + token_hex(16)


def message_id_for(key: str) -> str:
    """The message id of `key`, the same every time ("msg_" and 32 lowercase hex digits
    of its SHA-256): one event gives one id, whoever derives it and however often."""
    return MESSAGE_ID_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _signed_content(message_id: str, timestamp: int, body: bytes) -> bytes:
    if not _SIGNABLE_ID.fullmatch(message_id):
        raise ValueError("A message id holds 1 to 256 letters, digits, '_' or '-'.")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise ValueError("A timestamp is a whole number of seconds since the epoch.")
    return f"{message_id}.{timestamp}.".encode("ascii") + body
