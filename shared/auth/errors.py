"""Errors raised while identifying a caller; `code` and `status` feed the HTTP error response."""

from shared.errors import AppError


class AuthError(AppError):
    code = "UNAUTHENTICATED"
    status = 401


class MissingToken(AuthError):
    code = "AUTH_TOKEN_MISSING"


class InvalidToken(AuthError):
    code = "AUTH_TOKEN_INVALID"


class ExpiredToken(AuthError):
    code = "AUTH_TOKEN_EXPIRED"


class ForbiddenCaller(AuthError):
    code = "CALLER_FORBIDDEN"
    status = 403


class UnsafeAuthConfiguration(RuntimeError):
    """Raised at startup for a configuration that would weaken authentication."""
