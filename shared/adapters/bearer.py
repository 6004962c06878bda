"""Extraction of the bearer token from an Authorization header."""

from shared.domain.errors import MissingToken


def bearer_token(authorization_header: str | None) -> str:
    """Return the token of an `Authorization: Bearer <token>` header (scheme case-insensitive)."""
    scheme, _, token = (authorization_header or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise MissingToken("The request has no 'Authorization: Bearer <token>' header.")
    return token
