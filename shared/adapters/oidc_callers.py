"""Identification of the services (Cloud Tasks, Eventarc) that call the worker functions."""

from collections.abc import Mapping

import cachecontrol
import requests
from google.auth.transport import Request
from google.auth.transport.requests import Request as RequestsRequest
from google.oauth2 import id_token

from shared.adapters.bearer import bearer_token
from shared.domain.errors import (
    ExpiredToken,
    ForbiddenCaller,
    InvalidToken,
    UnsafeConfiguration,
)

# Google's signing certificates for OIDC ID tokens, as {key id: PEM certificate}.
GOOGLE_OAUTH2_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
LOCAL_CALLER = "local"
# google-auth reports expiry only through the message of its ValueError.
_EXPIRED_MARKER = "Token expired"


def _caching_request() -> Request:
    # google-auth fetches the certificates on every verification; the endpoint's
    # Cache-Control headers make one fetch last for hours.
    return RequestsRequest(session=cachecontrol.CacheControl(requests.Session()))


class OidcCallerVerifier:
    """Accepts Google-signed OIDC ID tokens minted for `audience` on behalf of allowed accounts.

    A failure to fetch the certificates is not the caller's fault: it propagates as
    google.auth.exceptions.TransportError rather than as an Unauthenticated error.
    """

    def __init__(
        self,
        audience: str,
        allowed_emails: frozenset[str],
        certs_url: str = GOOGLE_OAUTH2_CERTS_URL,
        request: Request | None = None,
    ) -> None:
        if not audience:
            raise ValueError("The OIDC audience (the function's URL) must not be empty.")
        if not allowed_emails:
            raise ValueError("At least one caller service account email must be allowed.")
        self._audience = audience
        self._allowed_emails = allowed_emails
        self._certs_url = certs_url
        self._request = request or _caching_request()

    def verify(self, headers: Mapping[str, str]) -> str:
        """Return the email of the service account that signed the request in."""
        authorization = {name.lower(): value for name, value in headers.items()}.get(
            "authorization"
        )
        token = bearer_token(authorization)
        try:
            claims = id_token.verify_token(
                token, self._request, audience=self._audience, certs_url=self._certs_url
            )
        except ValueError as exc:
            if _EXPIRED_MARKER in str(exc):
                raise ExpiredToken("The OIDC token has expired.") from exc
            raise InvalidToken("The OIDC token is not valid for this service.") from exc
        if claims.get("iss") not in GOOGLE_ISSUERS:
            raise InvalidToken("The OIDC token was not issued by Google.")
        email = claims.get("email")
        if not isinstance(email, str) or email not in self._allowed_emails:
            raise ForbiddenCaller("The OIDC token belongs to an account that may not call here.")
        if claims.get("email_verified") is not True:
            raise ForbiddenCaller("The OIDC token's email address is not verified.")
        return email


class LocalCallerCheck:
    """Stands in for OIDC where local emulators send no token: checks marker headers only."""

    def __init__(self, production: bool, required_headers: Mapping[str, str | None]) -> None:
        if production:
            raise UnsafeConfiguration(
                "The header-only caller check would let anyone call the workers in production."
            )
        # HTTP header names are case-insensitive.
        self._required = {name.lower(): value for name, value in required_headers.items()}

    def verify(self, headers: Mapping[str, str]) -> str:
        """Return LOCAL_CALLER if every required header is present with its expected value."""
        present = {name.lower(): value for name, value in headers.items()}
        for name, expected in self._required.items():
            actual = present.get(name)
            if actual is None or (expected is not None and actual != expected):
                raise ForbiddenCaller(f"The request lacks the expected '{name}' header.")
        return LOCAL_CALLER
