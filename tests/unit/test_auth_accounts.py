"""The account check after a valid ID token: disabled, deleted and revoked users refused,
each account read once a minute per instance, and what happens when Firebase Auth is
down. firebase-admin's token check and user lookup are scripted here; the same check
runs against the real Auth emulator in tests/e2e/test_identity.py."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from firebase_admin import auth
from firebase_admin import exceptions as firebase_errors

from shared.adapters import firebase_tokens
from shared.adapters.firebase_tokens import (
    ACCOUNT_CHECK_SECONDS,
    EMULATOR_HOST_ENV,
    STALE_ACCOUNT_SECONDS,
    Account,
    FirebaseTokenVerifier,
    RecentAccounts,
)
from shared.adapters.signing import throwaway_service_account
from shared.domain.errors import (
    AppError,
    RevokedToken,
    Unavailable,
    UserDeleted,
    UserDisabled,
)
from shared.domain.users import User
from shared.http.responses import http_status

PROJECT = "demo-novel"
NOW = 1_800_000_000.0
HEADER = "Bearer a.signed.token"


@dataclass
class Record:
    """The fields of firebase_admin.auth.UserRecord the check reads."""

    disabled: bool = False
    tokens_valid_after_timestamp: int = 0  # milliseconds


@dataclass
class FirebaseAuth:
    """Scripted answers of firebase-admin: the token's claims and each uid's record."""

    issued_at: float = NOW - 60
    records: dict[str, Record | Exception] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)

    def verify_id_token(self, token: str, app: Any = None) -> dict[str, Any]:
        iat = int(self.issued_at)
        return {"sub": "u-1", "iat": iat, "exp": iat + 3600, "email": "ana@example.com"}

    def get_user(self, uid: str, app: Any = None) -> Record:
        self.lookups.append(uid)
        answer = self.records.get(uid) or auth.UserNotFoundError("No user record found.")
        if isinstance(answer, Exception):
            raise answer
        return answer


@dataclass
class Clock:
    now: float = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def firebase(monkeypatch: pytest.MonkeyPatch) -> FirebaseAuth:
    scripted = FirebaseAuth(records={"u-1": Record()})
    monkeypatch.setattr(firebase_tokens.auth, "verify_id_token", scripted.verify_id_token)
    monkeypatch.setattr(firebase_tokens.auth, "get_user", scripted.get_user)
    return scripted


@pytest.fixture
def production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Application default credentials from a throwaway key (never used: no network)."""
    monkeypatch.delenv(EMULATOR_HOST_ENV, raising=False)
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps(throwaway_service_account(f"api@{PROJECT}.example.com")))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(production: None, firebase: FirebaseAuth, clock: Clock) -> FirebaseTokenVerifier:
    return FirebaseTokenVerifier(PROJECT, production=True, clock=clock)


USER = User("u-1", "ana@example.com", "free")


def _unavailable() -> Exception:
    return firebase_errors.UnavailableError("Firebase Auth did not answer.", cause=None)


def test_an_active_account_passes_with_one_lookup_a_minute(
    verifier: FirebaseTokenVerifier, firebase: FirebaseAuth, clock: Clock
) -> None:
    for _ in range(50):
        assert verifier.verify(HEADER) == USER
    clock.now += ACCOUNT_CHECK_SECONDS - 1
    assert verifier.verify(HEADER) == USER
    assert firebase.lookups == ["u-1"]

    clock.now += 1
    assert verifier.verify(HEADER) == USER
    assert firebase.lookups == ["u-1", "u-1"]


def test_a_disabled_account_is_refused_within_a_minute(
    verifier: FirebaseTokenVerifier, firebase: FirebaseAuth, clock: Clock
) -> None:
    assert verifier.verify(HEADER) == USER
    firebase.records["u-1"] = Record(disabled=True)

    clock.now += ACCOUNT_CHECK_SECONDS - 1
    assert verifier.verify(HEADER) == USER
    clock.now += 1
    with pytest.raises(UserDisabled) as refused:
        verifier.verify(HEADER)
    assert (refused.value.code, http_status(refused.value)) == ("USER_DISABLED", 401)


def test_a_deleted_account_is_refused_in_production(
    verifier: FirebaseTokenVerifier, firebase: FirebaseAuth
) -> None:
    del firebase.records["u-1"]

    with pytest.raises(UserDeleted) as refused:
        verifier.verify(HEADER)
    assert (refused.value.code, http_status(refused.value)) == ("USER_DELETED", 401)


def test_tokens_issued_before_a_revocation_are_refused_and_later_ones_pass(
    verifier: FirebaseTokenVerifier, firebase: FirebaseAuth
) -> None:
    revoked_at = int(NOW - 30)
    firebase.records["u-1"] = Record(tokens_valid_after_timestamp=revoked_at * 1000)

    firebase.issued_at = revoked_at - 1
    with pytest.raises(RevokedToken) as refused:
        verifier.verify(HEADER)
    assert (refused.value.code, http_status(refused.value)) == ("AUTH_TOKEN_REVOKED", 401)
    firebase.issued_at = revoked_at  # the second of the revocation counts as after it
    assert verifier.verify(HEADER) == USER


def test_without_firebase_auth_a_recent_state_serves_then_retry_later(
    verifier: FirebaseTokenVerifier, firebase: FirebaseAuth, clock: Clock
) -> None:
    assert verifier.verify(HEADER) == USER
    firebase.records["u-1"] = _unavailable()

    clock.now += STALE_ACCOUNT_SECONDS - 1
    assert verifier.verify(HEADER) == USER
    clock.now += 1
    with pytest.raises(Unavailable) as down:
        verifier.verify(HEADER)
    assert http_status(down.value) == 503

    firebase.records["u-1"] = Record()
    assert verifier.verify(HEADER) == USER


def test_without_firebase_auth_an_account_never_read_is_retry_later(
    verifier: FirebaseTokenVerifier, firebase: FirebaseAuth
) -> None:
    firebase.records["u-1"] = _unavailable()

    with pytest.raises(Unavailable):
        verifier.verify(HEADER)


@pytest.mark.parametrize(
    "answer",
    [auth.UserNotFoundError("No user record found."), _unavailable()],
    ids=["unknown-user", "no-emulator"],
)
def test_emulator_mode_lets_users_the_emulator_cannot_vouch_for_through(
    firebase: FirebaseAuth, monkeypatch: pytest.MonkeyPatch, answer: Exception
) -> None:
    monkeypatch.setenv(EMULATOR_HOST_ENV, "127.0.0.1:9099")
    verifier = FirebaseTokenVerifier(PROJECT, production=False, clock=Clock())
    firebase.records["u-1"] = answer

    assert verifier.verify(HEADER) == USER


def test_emulator_mode_refuses_the_emulator_s_disabled_users(
    firebase: FirebaseAuth, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EMULATOR_HOST_ENV, "127.0.0.1:9099")
    verifier = FirebaseTokenVerifier(PROJECT, production=False, clock=Clock())
    firebase.records["u-1"] = Record(disabled=True)

    with pytest.raises(UserDisabled):
        verifier.verify(HEADER)


def test_the_remembered_accounts_are_bounded_least_recent_first() -> None:
    accounts = RecentAccounts(capacity=2)
    active = Account(known=True)
    accounts.put("a", 1.0, active)
    accounts.put("b", 2.0, active)
    accounts.put("a", 3.0, active)  # read again: now the most recent
    accounts.put("c", 4.0, active)

    assert accounts.get("b") is None
    assert accounts.get("a") == (3.0, active) and accounts.get("c") == (4.0, active)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (UserDisabled, "USER_DISABLED"),
        (UserDeleted, "USER_DELETED"),
        (RevokedToken, "AUTH_TOKEN_REVOKED"),
    ],
)
def test_account_refusals_are_401_with_their_code(error: type[AppError], code: str) -> None:
    assert (error.code, http_status(error("refused"))) == (code, 401)
