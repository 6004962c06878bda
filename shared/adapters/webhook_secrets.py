"""Webhook signing secrets, encrypted at rest with one key kept in Secret Manager.

Each endpoint has its own signing secret, and the delivery needs it in the clear to sign.
It is stored in the endpoint's Firestore record sealed with AES-256-GCM under one key,
the value of one secret (locally: of the variable named like it), rather than kept as a
Secret Manager secret of its own per endpoint:

- least privilege: the functions read one secret's versions and nothing else; one per
  endpoint would need them to create and delete secrets at run time, a project-wide
  administrator's role (secretmanager.admin) for a service that takes URLs from users;
- no Secret Manager call per delivery (the key is read once a minute at most), so no
  added latency, quota or cost per message, and no limit on the number of endpoints;
- Firestore holds only ciphertext, each bound to its endpoint: the endpoint's id is the
  associated data of its encryption, so a sealed secret copied onto another endpoint
  does not open there, and a copy of the database without the key reveals nothing.

Sealed form: a version byte, a random 12-byte nonce, then the ciphertext with its
16-byte tag. The key is the base64 of 32 random bytes (`openssl rand -base64 32`).
Changing it makes every sealed secret unreadable: rotate it only with the secrets
sealed again (or endpoints' secrets rotated).
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.adapters.secrets import ReloadableSecrets
from shared.domain.errors import WebhooksNotConfigured

# The name the key is stored under (in the environment: WEBHOOK_SIGNING_KEY).
WEBHOOK_SIGNING_KEY_SECRET = "webhook-signing-key"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
VERSION = b"\x01"


class AesGcmSealer:
    """The SecretSealer port on AES-256-GCM with the key in the secret `key_name`."""

    def __init__(
        self, secrets: ReloadableSecrets, key_name: str = WEBHOOK_SIGNING_KEY_SECRET
    ) -> None:
        self._secrets = secrets
        self._key_name = key_name

    def seal(self, secret: str, context: str) -> bytes:
        """`secret` encrypted and bound to `context` (the endpoint's id)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._key(self._secrets.get(self._key_name))).encrypt(
            nonce, secret.encode("utf-8"), _associated(context)
        )
        return VERSION + nonce + sealed

    def open(self, sealed: bytes, context: str) -> str:
        """The secret `seal` encrypted for the same `context`; raises WebhooksNotConfigured
        when the key is missing or is not the one it was sealed with."""
        if len(sealed) < 1 + NONCE_BYTES + TAG_BYTES or sealed[:1] != VERSION:
            raise ValueError("Not a sealed webhook secret.")
        try:
            return self._open(self._secrets.get(self._key_name), sealed, context)
        except InvalidTag:
            pass
        # The key may have been set since it was last read: once more, read afresh.
        try:
            return self._open(self._secrets.reload(self._key_name), sealed, context)
        except InvalidTag:
            raise WebhooksNotConfigured(
                f"A webhook signing secret does not open with the key in the secret "
                f"{self._key_name}: the key was changed, or the secret was sealed for "
                "another endpoint."
            ) from None

    def _open(self, key: str | None, sealed: bytes, context: str) -> str:
        nonce, ciphertext = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
        plain = AESGCM(self._key(key)).decrypt(nonce, ciphertext, _associated(context))
        return plain.decode("utf-8")

    def _key(self, value: str | None) -> bytes:
        if value is None:
            raise WebhooksNotConfigured(
                f"Webhooks are not configured: set the secret {self._key_name} "
                f"to the base64 of {KEY_BYTES} random bytes."
            )
        try:
            key = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            # The value itself is never told.
            raise WebhooksNotConfigured(
                f"Webhooks are not configured: the secret {self._key_name} is not "
                f"the base64 of {KEY_BYTES} bytes."
            )
        return key


def _associated(context: str) -> bytes:
    if not context:
        raise ValueError("A webhook secret is sealed for an endpoint: its id is needed.")
    return b"webhook-secret\x00" + VERSION + context.encode("utf-8")
