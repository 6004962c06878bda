"""Identification of end users by their Firebase ID token, and tokens for the Auth emulator.

A token stays valid for an hour whatever becomes of its account, so the account is
checked too: a disabled or deleted user, or a token issued before the user's sessions
were revoked, is refused (401 USER_DISABLED, USER_DELETED, AUTH_TOKEN_REVOKED).
firebase-admin's `verify_id_token(check_revoked=True)` would ask Firebase Auth on every
request; instead each instance remembers each account's state for
ACCOUNT_CHECK_SECONDS, so a user costs one lookup per instance and minute, and a change
takes effect within that time. When Firebase Auth cannot be reached, a state read
within STALE_ACCOUNT_SECONDS still serves; past that the request is answered "retry
later" (503), as for any dependency that is down.

In Auth emulator mode (FIREBASE_AUTH_EMULATOR_HOST set, never in production) tokens
are unsigned and anyone can mint one, so the check protects nothing there. It runs all
the same against the emulator, so that the local stack and its tests exercise it for
the users the emulator holds; a user the emulator does not know (a token minted by
`mint_emulator_token` for a test user) or an emulator that does not answer (unit tests
verify tokens with no server) lets the token through unchecked. Production refuses a
user Firebase Auth does not know.
"""

import base64
import json
import math
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import firebase_admin
from firebase_admin import auth, credentials
from firebase_admin import exceptions as firebase_errors
from google.auth.credentials import AnonymousCredentials, Credentials

from shared.adapters.bearer import bearer_token
from shared.domain.errors import (
    ExpiredToken,
    InvalidToken,
    RevokedToken,
    Unavailable,
    UnsafeConfiguration,
    UserDeleted,
    UserDisabled,
)
from shared.domain.users import DEFAULT_ROLE, ROLES, User

EMULATOR_HOST_ENV = "FIREBASE_AUTH_EMULATOR_HOST"
# Tolerated drift between the issuer's clock and ours for `iat`.
MAX_CLOCK_SKEW_SECONDS = 300
# How long an instance trusts what it read of an account (disabled, revoked, deleted).
ACCOUNT_CHECK_SECONDS = 60.0
# How long a state read before still serves while Firebase Auth does not answer.
STALE_ACCOUNT_SECONDS = 600.0
# Accounts remembered per instance; the least recently read go first.
MAX_REMEMBERED_ACCOUNTS = 10_000
# What firebase-admin raises when Firebase Auth may answer later: no connection, a
# timeout, a 5xx, a quota.
_AUTH_UNAVAILABLE = (
    firebase_errors.UnavailableError,
    firebase_errors.DeadlineExceededError,
    firebase_errors.InternalError,
    firebase_errors.ResourceExhaustedError,
    firebase_errors.UnknownError,
)


class _AnonymousCredential(credentials.Base):  # type: ignore[misc]  # untyped library
    """Lets firebase-admin start without Google credentials; verifying ID tokens needs none,
    and the Auth emulator takes any."""

    def get_credential(self) -> Credentials:
        return AnonymousCredentials()


def anonymous_credential() -> credentials.Base:
    return _AnonymousCredential()


def emulator_mode() -> bool:
    """Whether firebase-admin trusts ID tokens without checking their signature."""
    # firebase-admin reads the variable on every verification, and an empty value means unset.
    return bool(os.environ.get(EMULATOR_HOST_ENV))


@dataclass(frozen=True, slots=True)
class Account:
    """What the check needs of a user record; `known` is False when there is none."""

    known: bool
    disabled: bool = False
    # Tokens issued before this time (seconds since the epoch) were revoked.
    valid_since: float = 0.0


UNKNOWN_ACCOUNT = Account(known=False)


class RecentAccounts:
    """Account states by uid with the time each was read, bounded, for many threads."""

    def __init__(self, capacity: int = MAX_REMEMBERED_ACCOUNTS) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[str, tuple[float, Account]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, uid: str) -> tuple[float, Account] | None:
        with self._lock:
            return self._entries.get(uid)

    def put(self, uid: str, read_at: float, account: Account) -> None:
        with self._lock:
            self._entries[uid] = (read_at, account)
            self._entries.move_to_end(uid)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)


class FirebaseTokenVerifier:
    """Turns an `Authorization: Bearer <Firebase ID token>` header into a `User`, whose
    account is not disabled, deleted or revoked (see the module's docstring).

    A failure to fetch Google's certificates is not the caller's fault: it propagates as
    firebase_admin.auth.CertificateFetchError rather than as an AuthError.
    """

    def __init__(
        self,
        project_id: str,
        production: bool,
        clock: Callable[[], float] = time.time,
        account_check_seconds: float = ACCOUNT_CHECK_SECONDS,
    ) -> None:
        self._production = production
        self._refuse_emulator_in_production()
        credential = credentials.ApplicationDefault() if production else _AnonymousCredential()
        # A named app of its own, so that verifiers for several projects can coexist.
        self._app = firebase_admin.initialize_app(
            credential, {"projectId": project_id}, name=f"id-token-verifier-{uuid.uuid4().hex}"
        )
        self._clock = clock
        self._account_check_seconds = account_check_seconds
        self._accounts = RecentAccounts()

    def verify(self, authorization_header: str | None) -> User:
        token = bearer_token(authorization_header)
        # Checked again here because the variable may have been set after startup.
        self._refuse_emulator_in_production()
        try:
            claims = auth.verify_id_token(token, app=self._app)
        except auth.ExpiredIdTokenError as exc:
            raise ExpiredToken("The Firebase ID token has expired.") from exc
        except auth.InvalidIdTokenError as exc:
            raise InvalidToken("The Firebase ID token is not valid.") from exc
        self._check_lifetime(claims)
        user = _user_from(claims)
        self._check_account(user.uid, _timestamp(claims, "iat"))
        return user

    def _refuse_emulator_in_production(self) -> None:
        if self._production and emulator_mode():
            raise UnsafeConfiguration(
                f"{EMULATOR_HOST_ENV} is set in production, where it would let unsigned "
                "Firebase ID tokens through."
            )

    def _check_lifetime(self, claims: Mapping[str, Any]) -> None:
        # firebase-admin skips the expiry check in emulator mode and uses the wall clock
        # otherwise; checking here enforces it in both modes, against the injected clock.
        expires_at = _timestamp(claims, "exp")
        issued_at = _timestamp(claims, "iat")
        now = self._clock()
        if now >= expires_at:
            raise ExpiredToken("The Firebase ID token has expired.")
        if issued_at > now + MAX_CLOCK_SKEW_SECONDS:
            raise InvalidToken("The Firebase ID token claims to be issued in the future.")

    def _check_account(self, uid: str, issued_at: float) -> None:
        account = self._account(uid)
        if not account.known:
            if emulator_mode():
                return  # a hand-minted token, or no emulator to ask: nothing to check
            raise UserDeleted("The account of this Firebase ID token no longer exists.")
        if account.disabled:
            raise UserDisabled("This account is disabled.")
        if issued_at < account.valid_since:
            raise RevokedToken("The Firebase ID token was revoked; sign in again.")

    def _account(self, uid: str) -> Account:
        """The account's state, as read within the last ACCOUNT_CHECK_SECONDS."""
        now = self._clock()
        remembered = self._accounts.get(uid)
        if remembered is not None and now - remembered[0] < self._account_check_seconds:
            return remembered[1]
        try:
            account = self._look_up(uid)
        except _AUTH_UNAVAILABLE as error:
            if emulator_mode():
                account = UNKNOWN_ACCOUNT
            elif remembered is not None and now - remembered[0] < STALE_ACCOUNT_SECONDS:
                return remembered[1]
            else:
                raise Unavailable("Firebase Auth is unavailable; retry later.") from error
        self._accounts.put(uid, now, account)
        return account

    def _look_up(self, uid: str) -> Account:
        try:
            record = auth.get_user(uid, app=self._app)
        except auth.UserNotFoundError:
            return UNKNOWN_ACCOUNT
        except ValueError as error:  # a uid Firebase could never have issued
            raise InvalidToken("The Firebase ID token is not valid.") from error
        valid_since_ms = record.tokens_valid_after_timestamp or 0  # whole seconds, in ms
        return Account(True, disabled=bool(record.disabled), valid_since=valid_since_ms / 1000)


def _timestamp(claims: Mapping[str, Any], name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidToken(f"The Firebase ID token has no numeric '{name}' claim.")
    return value


def _user_from(claims: Mapping[str, Any]) -> User:
    email = claims.get("email")
    role = claims.get("role")
    return User(
        uid=claims["sub"],
        email=email if isinstance(email, str) else None,
        email_verified=claims.get("email_verified") is True,
        role=role if role in ROLES else DEFAULT_ROLE,
    )


def mint_emulator_token(
    project_id: str,
    uid: str,
    *,
    email: str | None = None,
    role: str | None = None,
    email_verified: bool | None = None,
    lifetime_seconds: int = 3600,
    now: float | None = None,
) -> str:
    """An unsigned ID token shaped like the Auth emulator's, accepted only in emulator mode."""
    issued_at = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": f"https://securetoken.google.com/{project_id}",
        "aud": project_id,
        "auth_time": issued_at,
        "user_id": uid,
        "sub": uid,
        "iat": issued_at,
        "exp": issued_at + lifetime_seconds,
        "firebase": {"sign_in_provider": "custom", "identities": {}},
    }
    if email is not None:
        claims["email"] = email
    if email_verified is not None:
        claims["email_verified"] = email_verified
    if role is not None:
        claims["role"] = role
    header = {"alg": "none", "typ": "JWT"}
    return f"{_b64url_json(header)}.{_b64url_json(claims)}."


def _b64url_json(value: Mapping[str, Any]) -> str:
    encoded = base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode())
    return encoded.rstrip(b"=").decode("ascii")
