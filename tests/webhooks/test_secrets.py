"""Signing secrets sealed with AES-256-GCM under the key in one secret, bound to their
endpoint."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.adapters.secrets import EnvSecrets
from shared.adapters.webhook_secrets import AesGcmSealer
from shared.domain.errors import ErrorKind, WebhooksNotConfigured
from shared.webhooks.signatures import new_secret

KEY_NAME = "webhook-signing-key"
ENDPOINT = "0123456789abcdef0123456789abcdef"
OTHER_ENDPOINT = "fedcba9876543210fedcba9876543210"


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def sealer_with(key: str | None) -> AesGcmSealer:
    environ = {} if key is None else {"WEBHOOK_SIGNING_KEY": key}
    return AesGcmSealer(EnvSecrets(environ), KEY_NAME)


class RotatingSecrets:
    """A cached value that is stale until read again, as Secret Manager's is for a minute."""

    def __init__(self, cached: str, current: str) -> None:
        self.cached, self.current = cached, current
        self.reloads = 0

    def get(self, name: str) -> str | None:
        return self.cached

    def reload(self, name: str) -> str | None:
        self.reloads += 1
        self.cached = self.current
        return self.current


def test_a_sealed_secret_opens_for_its_endpoint() -> None:
    sealer = sealer_with(new_key())
    secret = new_secret()
    sealed = sealer.seal(secret, ENDPOINT)

    assert sealer.open(sealed, ENDPOINT) == secret
    assert secret.encode() not in sealed
    assert sealed[0] == 1  # the version
    assert len(sealed) == 1 + 12 + len(secret.encode()) + 16
    assert sealer.seal(secret, ENDPOINT) != sealed  # a new nonce each time


def test_the_sealed_form_is_aes_256_gcm_with_the_endpoint_in_the_associated_data() -> None:
    key = new_key()
    secret = new_secret()
    sealed = sealer_with(key).seal(secret, ENDPOINT)
    opened = AESGCM(base64.b64decode(key)).decrypt(
        sealed[1:13], sealed[13:], b"webhook-secret\x00\x01" + ENDPOINT.encode()
    )
    assert opened == secret.encode()


def test_a_sealed_secret_moved_to_another_endpoint_does_not_open() -> None:
    sealer = sealer_with(new_key())
    sealed = sealer.seal(new_secret(), ENDPOINT)
    with pytest.raises(WebhooksNotConfigured):
        sealer.open(sealed, OTHER_ENDPOINT)


@pytest.mark.parametrize("position", [0, 5, 20, -1])
def test_a_tampered_sealed_secret_does_not_open(position: int) -> None:
    sealer = sealer_with(new_key())
    sealed = bytearray(sealer.seal(new_secret(), ENDPOINT))
    sealed[position] ^= 0x01
    with pytest.raises((WebhooksNotConfigured, ValueError)):
        sealer.open(bytes(sealed), ENDPOINT)


def test_what_is_not_a_sealed_secret_is_refused() -> None:
    sealer = sealer_with(new_key())
    for sealed in (b"", b"\x01" + b"\x00" * 27, b"\x02" + b"\x00" * 60):
        with pytest.raises(ValueError):
            sealer.open(sealed, ENDPOINT)
    with pytest.raises(ValueError):
        sealer.seal(new_secret(), "")


def test_another_key_does_not_open_it() -> None:
    sealed = sealer_with(new_key()).seal(new_secret(), ENDPOINT)
    with pytest.raises(WebhooksNotConfigured) as refused:
        sealer_with(new_key()).open(sealed, ENDPOINT)
    assert KEY_NAME in refused.value.message


def test_a_key_just_set_is_read_again_before_giving_up() -> None:
    old, new = new_key(), new_key()
    secret = new_secret()
    sealed = sealer_with(new).seal(secret, ENDPOINT)
    secrets = RotatingSecrets(cached=old, current=new)

    assert AesGcmSealer(secrets, KEY_NAME).open(sealed, ENDPOINT) == secret
    assert secrets.reloads == 1


def test_without_a_key_webhooks_are_not_configured() -> None:
    sealer = sealer_with(None)
    with pytest.raises(WebhooksNotConfigured) as refused:
        sealer.seal(new_secret(), ENDPOINT)
    assert f"set the secret {KEY_NAME}" in refused.value.message
    assert refused.value.code == "WEBHOOKS_NOT_CONFIGURED"
    assert refused.value.kind is ErrorKind.TRANSIENT
    with pytest.raises(WebhooksNotConfigured):
        sealer.open(b"\x01" + b"\x00" * 40, ENDPOINT)


@pytest.mark.parametrize(
    "key",
    [
        "not base64 at all!",
        base64.b64encode(b"k" * 16).decode(),  # AES-128's size, not 256
        base64.b64encode(b"k" * 33).decode(),
        "ab" * 22,  # hex, not base64 of 32 bytes
    ],
)
def test_a_malformed_key_is_named_but_never_shown(key: str) -> None:
    with pytest.raises(WebhooksNotConfigured) as refused:
        sealer_with(key).seal(new_secret(), ENDPOINT)
    assert KEY_NAME in refused.value.message
    assert "32 bytes" in refused.value.message
    assert key not in refused.value.message
    assert key not in str(refused.value.details)
