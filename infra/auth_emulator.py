"""A small client of the Firebase Auth emulator's REST API, for tests and `make dev`.

It does what a frontend (through the Firebase JS SDK) and an administrator do, so that
the API sees real emulator tokens: make a user, sign in with email and password, refresh
the ID token with the refresh token, disable a user, empty the emulator.

    emulator = AuthEmulator.of(stack)          # or AuthEmulator("127.0.0.1:PORT", "demo-fnt")
    uid = emulator.create_user("ana@example.com", "a password")
    session = emulator.sign_in("ana@example.com", "a password")
    session.id_token                           # Authorization: Bearer <this>
    session = emulator.refresh(session)        # a new ID token, with the current claims

From a shell, with the stack up: python -m infra.auth_emulator HOST EMAIL PASSWORD
prints the user's ID token (making the user first if needed).

The endpoints are the production ones under http://HOST/<service host>/...: the Identity
Toolkit's accounts:signUp, accounts:signInWithPassword and (as an administrator)
projects/{project}/accounts and accounts:update, the Secure Token service's token
refresh, and the emulator's own DELETE /emulator/v1/projects/{project}/accounts. The
emulator takes any API key, and `Bearer owner` as an administrator's credentials.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

if TYPE_CHECKING:
    from infra.local_stack import LocalStack

IDENTITY_TOOLKIT = "identitytoolkit.googleapis.com/v1"
SECURE_TOKEN = "securetoken.googleapis.com/v1"
# Any key will do for the emulator; a request without one is refused, as in production.
API_KEY = "local-stack-api-key"
_KEY = {"key": API_KEY}
_ADMIN = {"Authorization": "Bearer owner"}


class AuthEmulatorError(Exception):
    """The emulator refused: `code` is its error code (EMAIL_EXISTS, USER_DISABLED...)."""

    def __init__(self, response: requests.Response) -> None:
        try:
            message = str(response.json()["error"]["message"])
        except (ValueError, KeyError, TypeError):
            message = response.text[:200]
        # Some messages carry a detail after the code: "WEAK_PASSWORD : Password should be..."
        self.code = message.split(" ", 1)[0] if message else "HTTP_ERROR"
        self.status = response.status_code
        super().__init__(f"{response.status_code} {message}")


@dataclass(frozen=True)
class Session:
    """A signed-in user: the ID token the API takes, and the refresh token that renews it."""

    uid: str
    id_token: str
    refresh_token: str

    @property
    def claims(self) -> dict[str, Any]:
        return token_claims(self.id_token)


@dataclass(frozen=True)
class SignInLink:
    email: str
    link: str  # the emulator's own address, carrying mode=signIn&oobCode=...

    def in_app(self, app_url: str) -> str:
        """The link as the app opens it: the app's address with the link's query, where
        the app completes the sign-in (Firebase's e-mail would lead there)."""
        return f"{app_url}/?{urlsplit(self.link).query}"


@dataclass
class AuthEmulator:
    host: str  # 127.0.0.1:PORT, as in FIREBASE_AUTH_EMULATOR_HOST
    project: str
    timeout: float = 10.0
    _session: requests.Session = field(default_factory=requests.Session, repr=False)

    @classmethod
    def of(cls, stack: LocalStack) -> AuthEmulator:
        return cls(stack.auth_host, stack.config.project)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    def create_user(self, email: str, password: str, *, email_verified: bool = True) -> str:
        """Make a user with this email and password (as an administrator); its uid."""
        body = {"email": email, "password": password, "emailVerified": email_verified}
        return str(self._admin("POST", "accounts", body)["localId"])

    def sign_in(self, email: str, password: str) -> Session:
        """Sign in with email and password, as the Firebase JS SDK does."""
        body = {"email": email, "password": password, "returnSecureToken": True}
        answer = self._call(
            "POST", f"{IDENTITY_TOOLKIT}/accounts:signInWithPassword", params=_KEY, json=body
        )
        return Session(answer["localId"], answer["idToken"], answer["refreshToken"])

    def refresh(self, session: Session | str) -> Session:
        """A new ID token (carrying the user's current custom claims) for a refresh token."""
        refresh_token = session.refresh_token if isinstance(session, Session) else session
        answer = self._call(
            "POST",
            f"{SECURE_TOKEN}/token",
            params=_KEY,
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        )
        return Session(answer["user_id"], answer["id_token"], answer["refresh_token"])

    def set_disabled(self, uid: str, disabled: bool = True) -> None:
        """Disable (or enable again) the user's account, as an administrator."""
        self._admin("POST", "accounts:update", {"localId": uid, "disableUser": disabled})

    def sign_in_links(self) -> list[SignInLink]:
        """The e-mail sign-in links the emulator 'sent' (it keeps them), oldest first."""
        answer = self._call("GET", f"emulator/v1/projects/{self.project}/oobCodes")
        return [
            SignInLink(code["email"], code["oobLink"])
            for code in answer.get("oobCodes", [])
            if code.get("requestType") == "EMAIL_SIGNIN"
        ]

    def delete_all_users(self) -> None:
        self._call("DELETE", f"emulator/v1/projects/{self.project}/accounts")

    def _admin(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call(
            method,
            f"{IDENTITY_TOOLKIT}/projects/{self.project}/{path}",
            headers=_ADMIN,
            json=body,
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self._session.request(
            method, f"{self.base_url}/{path}", timeout=self.timeout, **kwargs
        )
        if response.status_code >= 400:
            raise AuthEmulatorError(response)
        answer: dict[str, Any] = response.json()
        return answer


def token_claims(id_token: str) -> dict[str, Any]:
    """The claims of an ID token, read without any check (the emulator's are unsigned)."""
    payload = id_token.split(".")[1]
    padded = payload + "=" * (-len(payload) % 4)
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return claims


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.auth_emulator",
        description="Print an ID token of the Auth emulator's user EMAIL (made if missing).",
    )
    parser.add_argument("host", help="the emulator's host:port (FIREBASE_AUTH_EMULATOR_HOST)")
    parser.add_argument("email")
    parser.add_argument("password", help="at least 6 characters")
    parser.add_argument("--project", default="demo-fnt")
    args = parser.parse_args(argv)
    emulator = AuthEmulator(args.host, args.project)
    try:
        try:
            session = emulator.sign_in(args.email, args.password)
        except AuthEmulatorError as error:
            if error.code != "EMAIL_NOT_FOUND":
                raise
            emulator.create_user(args.email, args.password)
            session = emulator.sign_in(args.email, args.password)
    except (AuthEmulatorError, requests.RequestException) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(session.id_token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
