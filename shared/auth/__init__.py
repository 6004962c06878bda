"""Identification of callers: end users by Firebase ID token, services by Google OIDC token."""

from shared.auth.bearer import bearer_token
from shared.auth.errors import (
    AuthError,
    ExpiredToken,
    ForbiddenCaller,
    InvalidToken,
    MissingToken,
    UnsafeAuthConfiguration,
)
from shared.auth.firebase_tokens import FirebaseTokenVerifier, User, mint_emulator_token
from shared.auth.oidc import LocalCallerCheck, OidcCallerVerifier

__all__ = [
    "AuthError",
    "ExpiredToken",
    "FirebaseTokenVerifier",
    "ForbiddenCaller",
    "InvalidToken",
    "LocalCallerCheck",
    "MissingToken",
    "OidcCallerVerifier",
    "UnsafeAuthConfiguration",
    "User",
    "bearer_token",
    "mint_emulator_token",
]
