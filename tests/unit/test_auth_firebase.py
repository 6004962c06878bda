import base64
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.firebase_tokens import (
    EMULATOR_HOST_ENV,
    FirebaseTokenVerifier,
    mint_emulator_token,
)
from shared.adapters.signing import throwaway_service_account
from shared.domain.errors import ExpiredToken, InvalidToken, MissingToken, UnsafeConfiguration
from shared.domain.users import User

PROJECT = "demo-novel"
NOW = 1_800_000_000.0


def _closed_local_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing listens on this port: verifying ID tokens must not need a running emulator.
    monkeypatch.setenv(EMULATOR_HOST_ENV, f"127.0.0.1:{_closed_local_port()}")


@pytest.fixture
def verifier(emulator: None) -> FirebaseTokenVerifier:
    return FirebaseTokenVerifier(PROJECT, production=False, clock=lambda: NOW)


@pytest.fixture
def production_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Application default credentials from a throwaway service account key; no network."""
    monkeypatch.delenv(EMULATOR_HOST_ENV, raising=False)
    key_file = tmp_path / "service-account.json"
    email = f"verifier@{PROJECT}.iam.gserviceaccount.com"
    key_file.write_text(json.dumps(throwaway_service_account(email)))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))


def _bearer(token: str) -> str:
    return f"Bearer {token}"


def _decode_segment(segment: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _without_claim(token: str, claim: str) -> str:
    header, payload, signature = token.split(".")
    claims = _decode_segment(payload)
    del claims[claim]
    encoded = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


def test_emulator_token_yields_the_user(verifier: FirebaseTokenVerifier) -> None:
    token = mint_emulator_token(PROJECT, "u-1", email="ana@example.com", role="premium", now=NOW)
    assert verifier.verify(_bearer(token)) == User("u-1", "ana@example.com", "premium")


def test_emulator_token_is_unsigned_and_carries_the_emulator_claims() -> None:
    token = mint_emulator_token(PROJECT, "u-1", lifetime_seconds=60, now=NOW)
    header, payload, signature = token.split(".")
    assert signature == ""
    assert _decode_segment(header) == {"alg": "none", "typ": "JWT"}
    assert _decode_segment(payload) == {
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "aud": PROJECT,
        "auth_time": int(NOW),
        "user_id": "u-1",
        "sub": "u-1",
        "iat": int(NOW),
        "exp": int(NOW) + 60,
        "firebase": {"sign_in_provider": "custom", "identities": {}},
    }


@pytest.mark.parametrize(
    ("role", "expected"), [(None, "free"), ("admin", "admin"), ("root", "free")]
)
def test_role_defaults_to_free(
    verifier: FirebaseTokenVerifier, role: str | None, expected: str
) -> None:
    token = mint_emulator_token(PROJECT, "u-2", role=role, now=NOW)
    assert verifier.verify(_bearer(token)) == User("u-2", None, expected)


@pytest.mark.parametrize("issued_ago", [3600, 3601, 86_400])
def test_expired_tokens_are_refused_even_in_emulator_mode(
    verifier: FirebaseTokenVerifier, issued_ago: int
) -> None:
    token = mint_emulator_token(PROJECT, "u-1", lifetime_seconds=3600, now=NOW - issued_ago)
    with pytest.raises(ExpiredToken):
        verifier.verify(_bearer(token))


def test_tokens_from_the_near_future_pass_but_not_beyond_the_skew(
    verifier: FirebaseTokenVerifier,
) -> None:
    near = mint_emulator_token(PROJECT, "u-1", now=NOW + 240)
    assert verifier.verify(_bearer(near)).uid == "u-1"
    far = mint_emulator_token(PROJECT, "u-1", now=NOW + 600)
    with pytest.raises(InvalidToken):
        verifier.verify(_bearer(far))


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_tokens_without_lifetime_claims_are_refused(
    verifier: FirebaseTokenVerifier, claim: str
) -> None:
    token = _without_claim(mint_emulator_token(PROJECT, "u-1", now=NOW), claim)
    with pytest.raises(InvalidToken):
        verifier.verify(_bearer(token))


def test_token_for_another_project_is_refused(verifier: FirebaseTokenVerifier) -> None:
    token = mint_emulator_token("someone-else", "u-1", now=NOW)
    with pytest.raises(InvalidToken):
        verifier.verify(_bearer(token))


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "e30.e30.", "W10.W10."])
def test_garbage_is_refused_without_echoing_it(verifier: FirebaseTokenVerifier, token: str) -> None:
    with pytest.raises(InvalidToken) as caught:
        verifier.verify(_bearer(token))
    assert token not in str(caught.value)


@pytest.mark.parametrize("header", [None, "", "Basic xxx", "Bearer "])
def test_missing_bearer_token_is_refused(
    verifier: FirebaseTokenVerifier, header: str | None
) -> None:
    with pytest.raises(MissingToken):
        verifier.verify(header)


def test_verifiers_for_two_projects_coexist(emulator: None) -> None:
    first = FirebaseTokenVerifier(PROJECT, production=False, clock=lambda: NOW)
    second = FirebaseTokenVerifier("demo-other", production=False, clock=lambda: NOW)
    token = mint_emulator_token("demo-other", "u-9", now=NOW)
    assert second.verify(_bearer(token)).uid == "u-9"
    with pytest.raises(InvalidToken):
        first.verify(_bearer(token))


def test_emulator_mode_is_impossible_in_production(emulator: None) -> None:
    with pytest.raises(UnsafeConfiguration):
        FirebaseTokenVerifier(PROJECT, production=True)


def test_emulator_variable_set_after_startup_is_refused_in_production(
    production_credentials: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    verifier = FirebaseTokenVerifier(PROJECT, production=True, clock=lambda: NOW)
    monkeypatch.setenv(EMULATOR_HOST_ENV, "127.0.0.1:9099")
    with pytest.raises(UnsafeConfiguration):
        verifier.verify(_bearer(mint_emulator_token(PROJECT, "u-1", now=NOW)))


def test_production_refuses_unsigned_tokens(production_credentials: None) -> None:
    verifier = FirebaseTokenVerifier(PROJECT, production=True, clock=lambda: NOW)
    with pytest.raises(InvalidToken):
        verifier.verify(_bearer(mint_emulator_token(PROJECT, "u-1", now=NOW)))
