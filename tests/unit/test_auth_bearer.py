import pytest

from shared.adapters.bearer import bearer_token
from shared.domain.errors import (
    AppError,
    ExpiredToken,
    ForbiddenCaller,
    InvalidToken,
    MissingToken,
)
from shared.http.responses import http_status


@pytest.mark.parametrize("header", ["Bearer abc.def.", "bearer abc.def.", "  BEARER   abc.def.  "])
def test_bearer_scheme_is_case_insensitive_and_trimmed(header: str) -> None:
    assert bearer_token(header) == "abc.def."


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwdw==", "abc"])
def test_anything_but_a_bearer_token_counts_as_missing(header: str | None) -> None:
    with pytest.raises(MissingToken) as caught:
        bearer_token(header)
    assert caught.value.code == "AUTH_TOKEN_MISSING"
    assert http_status(caught.value) == 401


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (MissingToken, "AUTH_TOKEN_MISSING", 401),
        (InvalidToken, "AUTH_TOKEN_INVALID", 401),
        (ExpiredToken, "AUTH_TOKEN_EXPIRED", 401),
        (ForbiddenCaller, "CALLER_FORBIDDEN", 403),
    ],
)
def test_errors_carry_their_code_and_are_answered_with_their_status(
    error: type[AppError], code: str, status: int
) -> None:
    assert (error.code, http_status(error("refused"))) == (code, status)
