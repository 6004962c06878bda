"""Identification of end users by their Firebase ID token, and tokens for the Auth emulator."""

import base64
import json
import math
import os
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import firebase_admin
from firebase_admin import auth, credentials
from google.auth.credentials import AnonymousCredentials, Credentials

from shared.adapters.bearer import bearer_token
from shared.domain.errors import ExpiredToken, InvalidToken, UnsafeConfiguration
from shared.domain.users import DEFAULT_ROLE, ROLES, User

EMULATOR_HOST_ENV = "FIREBASE_AUTH_EMULATOR_HOST"
# Tolerated drift between the issuer's clock and ours for `iat`.
MAX_CLOCK_SKEW_SECONDS = 300


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


class FirebaseTokenVerifier:
    """Turns an `Authorization: Bearer <Firebase ID token>` header into a `User`.

    A failure to fetch Google's certificates is not the caller's fault: it propagates as
    firebase_admin.auth.CertificateFetchError rather than as an AuthError.
    """

    def __init__(
        self, project_id: str, production: bool, clock: Callable[[], float] = time.time
    ) -> None:
        self._production = production
        self._refuse_emulator_in_production()
        credential = credentials.ApplicationDefault() if production else _AnonymousCredential()
        # A named app of its own, so that verifiers for several projects can coexist.
        self._app = firebase_admin.initialize_app(
            credential, {"projectId": project_id}, name=f"id-token-verifier-{uuid.uuid4().hex}"
        )
        self._clock = clock

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
        return _user_from(claims)

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
        role=role if role in ROLES else DEFAULT_ROLE,
    )


def mint_emulator_token(
    project_id: str,
    uid: str,
    *,
    email: str | None = None,
    role: str | None = None,
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
    if role is not None:
        claims["role"] = role
    header = {"alg": "none", "typ": "JWT"}
    return f"{_b64url_json(header)}.{_b64url_json(claims)}."


def _b64url_json(value: Mapping[str, Any]) -> str:
    encoded = base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode())
    return encoded.rstrip(b"=").decode("ascii")
