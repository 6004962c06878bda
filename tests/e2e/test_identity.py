"""Users of the Auth emulator through the stack's API, with the tokens the emulator
issues: sign-in, a plan set as custom claims reaching the API at the token's refresh,
disabled users and revoked sessions refused."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import firebase_admin
import pytest
from firebase_admin import auth

from infra.api_client import ApiClient, ApiError
from infra.auth_emulator import AuthEmulator, AuthEmulatorError, Session
from infra.local_stack import LocalStack
from shared.adapters.firebase_tokens import (
    ACCOUNT_CHECK_SECONDS,
    FirebaseTokenVerifier,
    anonymous_credential,
)
from shared.adapters.firebase_users import FirebaseUserDirectory
from shared.domain.errors import RevokedToken, UserDisabled

pytestmark = pytest.mark.stack

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def emulator(stack: LocalStack) -> Iterator[AuthEmulator]:
    emulator = AuthEmulator.of(stack)
    yield emulator
    emulator.delete_all_users()


@pytest.fixture
def signed_in(emulator: AuthEmulator) -> Session:
    """A new user with a verified email, signed in with its password."""
    email = f"reader-{uuid.uuid4().hex[:12]}@example.com"
    emulator.create_user(email, PASSWORD)
    return emulator.sign_in(email, PASSWORD)


@pytest.fixture
def admin_app(stack_env: dict[str, str]) -> Iterator[firebase_admin.App]:
    app = firebase_admin.initialize_app(
        anonymous_credential(), {"projectId": "demo-fnt"}, name=f"admin-{uuid.uuid4().hex}"
    )
    yield app
    firebase_admin.delete_app(app)


def _me(api_url: str, session: Session) -> dict[str, object]:
    return ApiClient(api_url, session.id_token).call("GET", "/me")


def _refused(api_url: str, session: Session) -> ApiError:
    with pytest.raises(ApiError) as refused:
        _me(api_url, session)
    return refused.value


def test_a_signed_in_user_s_token_is_accepted(api_url: str, signed_in: Session) -> None:
    me = _me(api_url, signed_in)

    assert me["uid"] == signed_in.uid
    assert me["email"] == signed_in.claims["email"]
    assert me["role"] == "free"


def test_a_plan_reaches_the_api_when_the_token_is_refreshed(
    api_url: str, emulator: AuthEmulator, signed_in: Session, stack_env: dict[str, str]
) -> None:
    directory = FirebaseUserDirectory("demo-fnt", production=False)

    directory.set_plan(signed_in.uid, "premium")

    assert directory.plan_of(signed_in.uid) == "premium"
    # The token in hand was issued before: it still says free, and so does the API.
    assert "role" not in signed_in.claims
    assert _me(api_url, signed_in)["role"] == "free"
    refreshed = emulator.refresh(signed_in)
    assert refreshed.claims["role"] == "premium"
    assert _me(api_url, refreshed)["role"] == "premium"


def test_a_disabled_user_is_refused(
    api_url: str, emulator: AuthEmulator, signed_in: Session
) -> None:
    emulator.set_disabled(signed_in.uid)

    # The token is unexpired, but its account is disabled.
    refused = _refused(api_url, signed_in)
    assert (refused.status, refused.code) == (401, "USER_DISABLED")
    with pytest.raises(AuthEmulatorError, match="USER_DISABLED"):
        emulator.refresh(signed_in)


def test_a_token_issued_before_the_sessions_were_revoked_is_refused(
    api_url: str, emulator: AuthEmulator, signed_in: Session, admin_app: firebase_admin.App
) -> None:
    time.sleep(1.1)  # revocation has a precision of one second: after the token's `iat`
    auth.revoke_refresh_tokens(signed_in.uid, app=admin_app)

    refused = _refused(api_url, signed_in)
    assert (refused.status, refused.code) == (401, "AUTH_TOKEN_REVOKED")
    again = emulator.sign_in(signed_in.claims["email"], PASSWORD)
    assert _me(api_url, again)["uid"] == signed_in.uid


def test_hand_minted_tokens_of_users_the_emulator_lacks_still_pass(
    client_for: Callable[[str], ApiClient],
) -> None:
    """As every other test's: in emulator mode the account check lets them through."""
    client = client_for(f"minted-{uuid.uuid4().hex[:8]}")

    assert client.call("GET", "/me")["role"] == "free"


def test_an_instance_notices_a_disabled_account_within_its_check_interval(
    emulator: AuthEmulator, signed_in: Session, stack_env: dict[str, str]
) -> None:
    """The verifier as each API instance holds it, on the emulator, with a clock of ours."""
    now = [time.time()]
    verifier = FirebaseTokenVerifier("demo-fnt", production=False, clock=lambda: now[0])
    header = f"Bearer {signed_in.id_token}"
    assert verifier.verify(header).uid == signed_in.uid

    emulator.set_disabled(signed_in.uid)

    now[0] += ACCOUNT_CHECK_SECONDS - 1
    assert verifier.verify(header).uid == signed_in.uid  # as read less than a minute ago
    now[0] += 2
    with pytest.raises(UserDisabled):
        verifier.verify(header)
    emulator.set_disabled(signed_in.uid, disabled=False)
    now[0] += ACCOUNT_CHECK_SECONDS
    assert verifier.verify(header).uid == signed_in.uid


def test_an_instance_refuses_revoked_tokens_but_not_newer_ones(
    emulator: AuthEmulator, signed_in: Session, admin_app: firebase_admin.App
) -> None:
    verifier = FirebaseTokenVerifier("demo-fnt", production=False)
    time.sleep(1.1)
    auth.revoke_refresh_tokens(signed_in.uid, app=admin_app)

    with pytest.raises(RevokedToken):
        verifier.verify(f"Bearer {signed_in.id_token}")
    # (Firebase Auth also refuses the old refresh token from then on; the emulator does not.)
    again = emulator.sign_in(signed_in.claims["email"], PASSWORD)
    assert verifier.verify(f"Bearer {again.id_token}").uid == signed_in.uid
