import pytest

from shared.auth import (
    AuthError,
    ExpiredToken,
    ForbiddenCaller,
    InvalidToken,
    MissingToken,
    bearer_token,
)


@pytest.mark.parametrize("header", ["Bearer abc.def.", "bearer abc.def.", "  BEARER   abc.def.  "])
def test_bearer_scheme_is_case_insensitive_and_trimmed(header: str) -> None:
    assert bearer_token(header) == "abc.def."


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwdw==", "abc"])
def test_anything_but_a_bearer_token_counts_as_missing(header: str | None) -> None:
    with pytest.raises(MissingToken) as caught:
        bearer_token(header)
    assert caught.value.code == "AUTH_TOKEN_MISSING"
    assert caught.value.status == 401


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (MissingToken, "AUTH_TOKEN_MISSING", 401),
        (InvalidToken, "AUTH_TOKEN_INVALID", 401),
        (ExpiredToken, "AUTH_TOKEN_EXPIRED", 401),
        (ForbiddenCaller, "CALLER_FORBIDDEN", 403),
    ],
)
def test_errors_carry_their_http_code_and_status(
    error: type[AuthError], code: str, status: int
) -> None:
    assert issubclass(error, AuthError)
    assert (error.code, error.status) == (code, status)
