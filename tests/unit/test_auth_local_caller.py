import pytest

from shared.adapters.oidc_callers import LocalCallerCheck
from shared.domain.errors import ErrorKind, ForbiddenCaller, UnsafeConfiguration

QUEUE_HEADER = "X-CloudTasks-QueueName"


def test_refused_in_production() -> None:
    with pytest.raises(UnsafeConfiguration):
        LocalCallerCheck(production=True, required_headers={QUEUE_HEADER: None})


def test_accepts_required_headers_whatever_the_case_of_their_names() -> None:
    check = LocalCallerCheck(
        production=False, required_headers={QUEUE_HEADER: None, "X-Local-Bridge": "1"}
    )
    headers = {"x-cloudtasks-queuename": "pages", "X-LOCAL-BRIDGE": "1"}
    assert check.verify(headers) == "local"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {QUEUE_HEADER: "pages"},
        {"X-Local-Bridge": "1"},
        {QUEUE_HEADER: "pages", "X-Local-Bridge": "0"},
    ],
)
def test_refuses_a_missing_header_or_an_unexpected_value(headers: dict[str, str]) -> None:
    check = LocalCallerCheck(
        production=False, required_headers={QUEUE_HEADER: None, "X-Local-Bridge": "1"}
    )
    with pytest.raises(ForbiddenCaller) as caught:
        check.verify(headers)
    assert caught.value.kind is ErrorKind.FORBIDDEN
