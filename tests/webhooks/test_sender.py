"""The webhook sender against real local receivers: HTTP, HTTPS with a throwaway
certificate, redirects, slow and endless answers, and targets it must refuse."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from shared.adapters.webhook_sender import REDIRECT_NOT_FOLLOWED, USER_AGENT, PinnedWebhookSender
from shared.domain.errors import WebhookTargetRefused
from shared.service.ports import WebhookCall
from shared.webhooks.signatures import new_message_id, new_secret, webhook_headers
from tests.webhooks.receivers import (
    Certificates,
    Handler,
    Receiver,
    free_port,
    make_certificates,
    reply,
)

BODY = b'{"type":"job.completed","timestamp":"2026-01-02T03:04:05Z","data":{"job_id":"ab"}}'
HOOK_NAME = "hooks.example.com"

AddrInfo = list[tuple[int, int, int, str, tuple[str, int]]]


class StubResolver:
    """getaddrinfo's shape over a table: each call gives the next answer for the host
    (the last one repeated); an exception in the table is raised."""

    def __init__(self, answers: dict[str, list[list[str] | OSError]]) -> None:
        self._answers = answers
        self.calls: list[str] = []

    def __call__(self, host: str, port: int, family: int = 0, kind: int = 0) -> AddrInfo:
        self.calls.append(host)
        queue = self._answers.get(host)
        if not queue:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, OSError):
            raise answer
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, port),
            )
            for address in answer
        ]


def no_lookup(host: str, port: int, family: int = 0, kind: int = 0) -> AddrInfo:
    raise AssertionError(f"no lookup was expected, not of {host}")


def signed_call(url: str, secrets: list[str] | None = None) -> WebhookCall:
    headers = webhook_headers(secrets or [new_secret()], new_message_id(), int(time.time()), BODY)
    return WebhookCall(url, headers, BODY)


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    return make_certificates(tmp_path, [HOOK_NAME])


# --------------------------------------------------------------------------- HTTP


def test_the_receiver_gets_the_exact_body_and_signed_headers() -> None:
    secret = new_secret()
    with Receiver(lambda h: reply(h, 202, b'{"received":true}')) as receiver:
        call = signed_call(receiver.url("/hooks/in?source=fnt"), [secret])
        answer = PinnedWebhookSender(allow_loopback=True).send(call)

    assert answer.status_code == 202
    assert answer.error is None
    assert answer.excerpt == '{"received":true}'
    assert answer.latency_ms > 0
    [received] = receiver.requests
    assert received.method == "POST"
    assert received.path == "/hooks/in?source=fnt"
    assert received.body == BODY
    for name, value in call.headers.items():
        assert received.headers[name] == value
    assert received.headers["user-agent"] == USER_AGENT
    assert received.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert received.headers["content-length"] == str(len(BODY))
    assert Webhook(secret).verify(received.body, received.headers)["data"] == {"job_id": "ab"}


def test_a_failing_status_is_an_answer_with_its_excerpt() -> None:
    with Receiver(lambda h: reply(h, 500, b"database down")) as receiver:
        answer = PinnedWebhookSender(allow_loopback=True).send(signed_call(receiver.url()))
    assert (answer.status_code, answer.excerpt, answer.error) == (500, "database down", None)


def test_over_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    try:
        receiver = Receiver(host="::1").__enter__()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    try:
        answer = PinnedWebhookSender(allow_loopback=True).send(signed_call(receiver.url()))
    finally:
        receiver.__exit__(None, None, None)
    assert answer.status_code == 200
    assert receiver.requests[0].headers["host"] == f"[::1]:{receiver.port}"


# --------------------------------------------------------------------------- HTTPS


def test_tls_to_the_pinned_address_with_the_hosts_name(certificates: Certificates) -> None:
    resolver = StubResolver({HOOK_NAME: [["127.0.0.1"]]})
    sender = PinnedWebhookSender(
        allow_loopback=True, resolver=resolver, ssl_context=certificates.client_context()
    )
    with Receiver(tls=certificates.server_context()) as receiver:
        answer = sender.send(signed_call(receiver.url(scheme="https", host=HOOK_NAME)))

    assert answer.status_code == 200, answer.error
    assert answer.excerpt == '{"ok":true}'
    # The name has no address in any DNS: the connection went to the address the stub
    # gave, once, and TLS named the host (SNI) and verified its certificate for it.
    assert resolver.calls == [HOOK_NAME]
    assert receiver.server_names == [HOOK_NAME]
    assert receiver.requests[0].headers["host"] == f"{HOOK_NAME}:{receiver.port}"
    assert receiver.requests[0].body == BODY


def test_a_certificate_for_another_name_is_refused(certificates: Certificates) -> None:
    other = "other.example.com"
    sender = PinnedWebhookSender(
        allow_loopback=True,
        resolver=StubResolver({other: [["127.0.0.1"]]}),
        ssl_context=certificates.client_context(),
    )
    with Receiver(tls=certificates.server_context()) as receiver:
        answer = sender.send(signed_call(receiver.url(scheme="https", host=other)))

    assert answer.status_code is None
    assert answer.error is not None
    assert "certificate" in answer.error
    assert receiver.requests == []


def test_an_untrusted_certificate_is_refused_by_default(certificates: Certificates) -> None:
    sender = PinnedWebhookSender(
        allow_loopback=True, resolver=StubResolver({HOOK_NAME: [["127.0.0.1"]]})
    )
    with Receiver(tls=certificates.server_context()) as receiver:
        answer = sender.send(signed_call(receiver.url(scheme="https", host=HOOK_NAME)))

    assert answer.status_code is None
    assert answer.error is not None
    assert "certificate" in answer.error
    assert receiver.requests == []


def test_tls_to_a_plain_http_receiver_fails_in_words(certificates: Certificates) -> None:
    sender = PinnedWebhookSender(
        allow_loopback=True,
        resolver=StubResolver({HOOK_NAME: [["127.0.0.1"]]}),
        ssl_context=certificates.client_context(),
    )
    with Receiver() as receiver:
        answer = sender.send(signed_call(receiver.url(scheme="https", host=HOOK_NAME)))
    assert answer.status_code is None
    assert answer.error is not None
    assert answer.error.startswith(("TLS", "connection closed"))


# --------------------------------------------------------------------------- redirects


def test_a_redirect_is_not_followed() -> None:
    redirect = {"Location": "http://10.0.0.1/"}
    with Receiver(lambda h: reply(h, 302, b"moved", redirect)) as receiver:
        answer = PinnedWebhookSender(allow_loopback=True).send(signed_call(receiver.url()))

    assert answer.status_code == 302
    assert answer.error == REDIRECT_NOT_FOLLOWED
    assert answer.excerpt == "moved"
    assert receiver.connections == 1
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_nothing_connects_where_a_redirect_points(status: int) -> None:
    with Receiver() as elsewhere:
        to = {"Location": elsewhere.url("/stolen")}
        with Receiver(lambda h: reply(h, status, b"", to)) as receiver:
            answer = PinnedWebhookSender(allow_loopback=True).send(signed_call(receiver.url()))
    assert (answer.status_code, answer.error) == (status, REDIRECT_NOT_FOLLOWED)
    assert elsewhere.connections == 0
    assert receiver.connections == 1


# --------------------------------------------------------------------------- timeouts, caps


def test_a_slow_receiver_hits_the_read_timeout() -> None:
    def slow(handler: Handler) -> None:
        handler.server.receiver.release.wait(10)
        reply(handler, 200, b"too late")

    sender = PinnedWebhookSender(allow_loopback=True, read_timeout=0.3)
    with Receiver(slow) as receiver:
        started = time.monotonic()
        answer = sender.send(signed_call(receiver.url()))
        elapsed = time.monotonic() - started

    assert answer.status_code is None
    assert answer.error == "no answer within 0.3 s"
    assert 0.25 < elapsed < 3
    assert len(receiver.requests) == 1  # it was delivered, the answer did not come


def test_a_receiver_that_trickles_its_answer_is_cut_off_at_the_read_timeout() -> None:
    def trickle(handler: Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        handler.wfile.flush()
        while not handler.server.receiver.release.wait(0.05):
            handler.wfile.write(b"X-Slow: 1\r\n")
            handler.wfile.flush()

    sender = PinnedWebhookSender(allow_loopback=True, read_timeout=0.5)
    with Receiver(trickle) as receiver:
        started = time.monotonic()
        answer = sender.send(signed_call(receiver.url()))
        elapsed = time.monotonic() - started

    assert answer.status_code is None
    assert answer.error == "no answer within 0.5 s"
    assert elapsed < 3


def endless(handler: Handler) -> None:
    """200, then a body without end (until the client hangs up or the test is over)."""
    handler.send_response(200)
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = b"a" * 65536
    try:
        while not handler.server.receiver.release.is_set():
            handler.wfile.write(chunk)
    except OSError:
        pass


def test_an_endless_answer_is_read_up_to_the_cap() -> None:
    sender = PinnedWebhookSender(allow_loopback=True, read_timeout=5, max_response_bytes=100_000)
    with Receiver(endless) as receiver:
        started = time.monotonic()
        answer = sender.send(signed_call(receiver.url()))
        elapsed = time.monotonic() - started

    assert answer.status_code == 200
    assert answer.error is None
    assert answer.excerpt == "a" * 1024
    assert elapsed < 2.5  # it stopped at the cap, not at the read timeout


def test_the_excerpt_is_capped_in_bytes_without_cutting_a_character() -> None:
    body = "é".encode() * 1000
    sender = PinnedWebhookSender(allow_loopback=True, excerpt_bytes=101)
    with Receiver(lambda h: reply(h, 400, body)) as receiver:
        answer = sender.send(signed_call(receiver.url()))
    assert answer.status_code == 400
    assert answer.excerpt == "é" * 50


def test_an_answer_that_is_not_utf8_is_shown_with_replacements() -> None:
    with Receiver(lambda h: reply(h, 200, b"ok \xff\xfe")) as receiver:
        answer = PinnedWebhookSender(allow_loopback=True).send(signed_call(receiver.url()))
    assert answer.excerpt == "ok \ufffd\ufffd"


# --------------------------------------------------------------------------- network failures


def test_a_refused_connection_is_an_answer_in_words() -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    answer = PinnedWebhookSender(allow_loopback=True).send(signed_call(url))
    assert answer.status_code is None
    assert answer.error == "connection refused"


def test_a_connection_closed_without_an_answer_is_an_answer_in_words() -> None:
    def hang_up(handler: Handler) -> None:
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    with Receiver(hang_up) as receiver:
        answer = PinnedWebhookSender(allow_loopback=True).send(signed_call(receiver.url()))
    assert answer.status_code is None
    assert answer.error == "connection closed by the receiver before it answered"


def test_a_connect_timeout_is_an_answer_in_words() -> None:
    # A listener whose backlog is full: the next connection waits, unanswered.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        try:
            for _ in range(8):
                filler = socket.socket()
                filler.setblocking(False)
                fillers.append(filler)
                filler.connect_ex(("127.0.0.1", port))
            sender = PinnedWebhookSender(allow_loopback=True, connect_timeout=0.3)
            answer = sender.send(signed_call(f"http://127.0.0.1:{port}/hook"))
        finally:
            for filler in fillers:
                filler.close()
    if answer.error != "no connection within 0.3 s":
        pytest.skip(f"this system's TCP stack does not hold a full backlog ({answer.error})")
    assert answer.status_code is None


def test_the_next_address_is_tried_when_one_does_not_connect() -> None:
    with Receiver() as receiver:
        resolver = StubResolver({"localhost": [["127.0.0.2", "127.0.0.1"]]})
        dead = socket.socket()
        try:
            dead.bind(("127.0.0.2", receiver.port))
        except OSError:
            pytest.skip("127.0.0.2 is not usable here")
        finally:
            dead.close()
        sender = PinnedWebhookSender(allow_loopback=True, resolver=resolver)
        answer = sender.send(signed_call(receiver.url(host="localhost")))
    assert answer.status_code == 200
    assert receiver.connections == 1


def test_a_host_that_does_not_resolve_at_delivery_is_an_answer() -> None:
    lost = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    sender = PinnedWebhookSender(allow_loopback=False, resolver=StubResolver({HOOK_NAME: [lost]}))
    answer = sender.send(signed_call(f"https://{HOOK_NAME}/hook"))
    assert answer.status_code is None
    assert answer.error == f"the host {HOOK_NAME} could not be resolved"


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://localhost/hook", "loopback"),
        ("https://localhost:8443/hook", "loopback"),
        ("https://127.0.0.1/hook", "loopback"),
        ("https://[::1]/hook", "loopback"),
        ("https://169.254.169.254/computeMetadata/v1/", "metadata"),
        ("https://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("https://[::ffff:127.0.0.1]/hook", "IPv4-mapped"),
        ("https://[fd00:ec2::254]/", "metadata"),
        ("https://10.0.0.1/hook", "private"),
        ("http://8.8.8.8/hook", "https"),
    ],
)
def test_check_refuses_targets_that_are_not_public(url: str, says: str) -> None:
    sender = PinnedWebhookSender(allow_loopback=False, resolver=no_lookup)
    with pytest.raises(WebhookTargetRefused) as refused:
        sender.check(url)
    assert says in refused.value.message
    with pytest.raises(WebhookTargetRefused):
        sender.send(signed_call(url))


@pytest.mark.parametrize(
    ("addresses", "says"),
    [
        (["10.0.0.7"], "private"),
        (["127.0.0.1"], "loopback"),
        (["169.254.169.254"], "metadata"),
        (["8.8.8.8", "192.168.0.10"], "private"),
        (["2001:4860:4860::8888", "fd12::1"], "private"),
        (["::ffff:10.0.0.1"], "IPv4-mapped"),
        (["100.64.0.1"], "carrier-grade NAT"),
    ],
)
def test_check_refuses_a_name_that_resolves_to_an_address_that_is_not_public(
    addresses: list[str], says: str
) -> None:
    sender = PinnedWebhookSender(
        allow_loopback=False, resolver=StubResolver({HOOK_NAME: [addresses]})
    )
    with pytest.raises(WebhookTargetRefused) as refused:
        sender.check(f"https://{HOOK_NAME}/hook")
    assert says in refused.value.message


def test_check_accepts_a_public_name_without_connecting() -> None:
    resolver = StubResolver({HOOK_NAME: [["8.8.8.8", "2001:4860:4860::8888"]]})
    PinnedWebhookSender(allow_loopback=False, resolver=resolver).check(f"https://{HOOK_NAME}/x")
    PinnedWebhookSender(allow_loopback=False, resolver=no_lookup).check("https://8.8.8.8/x")
    assert resolver.calls == [HOOK_NAME]


def test_check_refuses_a_name_that_does_not_resolve() -> None:
    sender = PinnedWebhookSender(allow_loopback=False, resolver=StubResolver({}))
    with pytest.raises(WebhookTargetRefused, match="could not be resolved"):
        sender.check("https://nowhere.example.com/hook")


def rebinding(first: list[str], then: list[str]) -> StubResolver:
    return StubResolver({HOOK_NAME: [first, then]})


def test_dns_rebinding_is_refused_at_delivery() -> None:
    sender = PinnedWebhookSender(
        allow_loopback=False, resolver=rebinding(["8.8.8.8"], ["10.0.0.7"])
    )
    url = f"https://{HOOK_NAME}/hook"
    sender.check(url)  # public when registered
    with pytest.raises(WebhookTargetRefused, match="private"):
        sender.send(signed_call(url))


def test_after_rebinding_nothing_is_connected() -> None:
    with Receiver() as receiver:
        # The name now points at this machine, where a receiver listens: it is refused
        # before anything connects to it.
        resolver = rebinding(["8.8.8.8"], ["127.0.0.1"])
        sender = PinnedWebhookSender(allow_loopback=False, resolver=resolver)
        url = f"https://{HOOK_NAME}:{receiver.port}/hook"
        sender.check(url)
        with pytest.raises(WebhookTargetRefused, match="loopback"):
            sender.send(signed_call(url))
        assert resolver.calls == [HOOK_NAME, HOOK_NAME]
    assert receiver.connections == 0


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Every socket.connect the sender makes, recorded and refused."""
    made: list[object] = []

    def record(self: socket.socket, address: object) -> None:
        made.append(address)
        raise ConnectionRefusedError

    monkeypatch.setattr(socket.socket, "connect", record)
    yield made


def test_a_refused_delivery_connects_nowhere(connections: list[object]) -> None:
    sender = PinnedWebhookSender(
        allow_loopback=False, resolver=rebinding(["8.8.8.8"], ["8.8.8.8", "169.254.169.254"])
    )
    url = f"https://{HOOK_NAME}/hook"
    sender.check(url)
    with pytest.raises(WebhookTargetRefused, match="metadata"):
        sender.send(signed_call(url))
    assert connections == []


def test_an_allowed_delivery_connects_to_the_checked_address(connections: list[object]) -> None:
    resolver = StubResolver({HOOK_NAME: [["93.184.215.14"]]})
    answer = PinnedWebhookSender(allow_loopback=False, resolver=resolver).send(
        signed_call(f"https://{HOOK_NAME}:8443/hook")
    )
    assert connections == [("93.184.215.14", 8443)]
    assert (answer.status_code, answer.error) == (None, "connection refused")


def wait_for(condition: Callable[[], bool], seconds: float = 2) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_nothing_is_left_open_after_a_capped_answer() -> None:
    before = threading.active_count()
    with Receiver(endless) as receiver:
        sender = PinnedWebhookSender(allow_loopback=True, max_response_bytes=1000)
        for _ in range(3):
            assert sender.send(signed_call(receiver.url())).status_code == 200
    wait_for(lambda: threading.active_count() <= before)
    assert threading.active_count() <= before


def test_the_default_context_verifies_certificates_and_names() -> None:
    sender = PinnedWebhookSender(allow_loopback=False)
    context = sender._tls  # the one built when none is given
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
