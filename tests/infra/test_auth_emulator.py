"""The Firebase Auth emulator in the stack: installed once, started offline, answering
the REST calls of infra/auth_emulator.py and firebase-admin's."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import firebase_admin
import pytest
import requests
from firebase_admin import auth

from infra.auth_emulator import AuthEmulator, AuthEmulatorError
from infra.local_stack import LocalStack, Service, StackConfig
from infra.local_stack import firebase_tools as firebase_tools_module
from infra.local_stack.firebase_tools import DEFAULT_INSTALL, ensure_firebase_tools
from infra.local_stack.paths import LOG_DIR, REPO_ROOT
from infra.local_stack.prerequisites import check
from infra.local_stack.process import live_group_members
from shared.adapters.firebase_tokens import anonymous_credential

pytestmark = pytest.mark.stack

PASSWORD = "correct horse battery"


@pytest.fixture
def emulator(stack: LocalStack) -> AuthEmulator:
    return AuthEmulator.of(stack)


@pytest.fixture
def admin_app(stack_env: dict[str, str]) -> Iterator[firebase_admin.App]:
    """firebase-admin on the emulator, as the functions use it (set by stack_env)."""
    app = firebase_admin.initialize_app(
        anonymous_credential(), {"projectId": "demo-fnt"}, name=f"admin-{uuid.uuid4().hex}"
    )
    yield app
    firebase_admin.delete_app(app)


def _email() -> str:
    return f"reader-{uuid.uuid4().hex[:12]}@example.com"


def test_the_emulator_answers_at_the_address_the_stack_gives(stack: LocalStack) -> None:
    host = stack.env()["FIREBASE_AUTH_EMULATOR_HOST"]

    assert host == stack.auth_host and host.startswith("127.0.0.1:")
    status = requests.get(f"http://{host}/", timeout=5).json()
    assert status["authEmulator"]["ready"] is True


def test_a_user_signs_in_and_refreshes_with_the_emulator(
    emulator: AuthEmulator, admin_app: firebase_admin.App
) -> None:
    email = _email()
    uid = emulator.create_user(email, PASSWORD)

    session = emulator.sign_in(email, PASSWORD)
    refreshed = emulator.refresh(session)

    assert session.uid == refreshed.uid == uid
    assert session.claims["email"] == email and session.claims["email_verified"] is True
    assert auth.verify_id_token(refreshed.id_token, app=admin_app)["sub"] == uid


def test_firebase_admin_manages_the_emulator_s_users(
    emulator: AuthEmulator, admin_app: firebase_admin.App
) -> None:
    email = _email()
    uid = emulator.create_user(email, PASSWORD)
    session = emulator.sign_in(email, PASSWORD)

    auth.set_custom_user_claims(uid, {"role": "premium"}, app=admin_app)
    emulator.set_disabled(uid)

    record = auth.get_user(uid, app=admin_app)
    assert record.email == email and record.disabled
    assert record.custom_claims == {"role": "premium"}
    with pytest.raises(AuthEmulatorError) as refused:
        emulator.refresh(session)
    assert refused.value.code == "USER_DISABLED"


def test_wrong_passwords_and_unknown_users_are_refused(emulator: AuthEmulator) -> None:
    email = _email()
    emulator.create_user(email, PASSWORD)

    with pytest.raises(AuthEmulatorError) as wrong:
        emulator.sign_in(email, "not the password")
    with pytest.raises(AuthEmulatorError) as unknown:
        emulator.sign_in(_email(), PASSWORD)

    assert wrong.value.code == "INVALID_PASSWORD"
    assert unknown.value.code == "EMAIL_NOT_FOUND"


def test_deleting_all_users_empties_the_emulator(
    emulator: AuthEmulator, admin_app: firebase_admin.App
) -> None:
    uid = emulator.create_user(_email(), PASSWORD)

    emulator.delete_all_users()

    with pytest.raises(auth.UserNotFoundError):
        auth.get_user(uid, app=admin_app)


def test_the_emulator_alone_starts_and_leaves_nothing_behind() -> None:
    config = StackConfig(services=frozenset({Service.AUTH}), log_dir=LOG_DIR / "tests-auth")

    with LocalStack(config) as stack:
        assert set(stack.env()) == {
            "GOOGLE_CLOUD_PROJECT",
            "GCLOUD_PROJECT",
            "FIREBASE_AUTH_EMULATOR_HOST",
        }
        url = f"http://{stack.auth_host}/"
        assert requests.get(url, timeout=5).status_code == 200
        pids = stack.pids
        started_in = stack.startup_seconds["auth"]

    assert list(pids) == ["auth"]
    assert all(live_group_members(pid) == [] for pid in pids.values())
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=2)
    assert started_in < 30
    # The CLI's debug log and files went to the stack's run directory, now removed.
    assert not (REPO_ROOT / "firebase-debug.log").exists()


def test_the_installed_cli_is_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    tools = check({Service.AUTH}, need_functions=False)
    assert tools.npm is not None
    script = ensure_firebase_tools(tools.npm)  # installed by the session's stack

    def no_npm(argv: list[str], cwd: Path) -> None:
        raise AssertionError(f"npm ran again: {argv}")

    monkeypatch.setattr(firebase_tools_module, "_run", no_npm)
    started = time.monotonic()
    assert ensure_firebase_tools(tools.npm) == script
    assert time.monotonic() - started < 1
    assert script.is_relative_to(DEFAULT_INSTALL) and script.is_file()
