"""Webhook deliveries over HTTPS, to the address that was checked.

A URL passes `check` when it is registered, but DNS answers can change after that (a
name that resolved to a public address can later resolve to 10.0.0.1: DNS rebinding).
So each delivery resolves the host again, checks every address again against the same
policy (`shared/webhooks/targets.py`) and connects to the checked address itself, not to
the name, which a second lookup could send elsewhere. TLS still names the host: the
server name (SNI) and the certificate's verification are those of the URL's host, and
so is the Host header.

A delivery never follows a redirect (a 3xx is an answer like any other, and the
target it names was never checked), waits `connect_timeout` for the connection and
`read_timeout` at most for the whole answer after the request was sent, and reads no
more than `max_response_bytes` of it. Whatever fails on the network (refused, reset,
timed out, TLS) comes back as an answer without a status code and the reason in words;
only a target the policy refuses raises. Nothing here logs: a delivery's body and its
signatures stay out of the logs.
"""

from __future__ import annotations

import codecs
import http.client
import io
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from ipaddress import IPv4Address, ip_address
from typing import TYPE_CHECKING

from shared.domain.errors import WebhookTargetRefused
from shared.service.ports import WebhookAnswer, WebhookCall
from shared.webhooks.targets import IPAddress, Target, parse_target, require_allowed

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

# socket.getaddrinfo's shape: (host, port, family, type) -> (family, type, proto,
# canonical name, socket address) for each address.
Resolver = Callable[
    [str, int, int, int], Iterable[tuple[object, object, object, object, tuple[object, ...]]]
]

USER_AGENT = "FrenchNovelTool-Webhooks/1.0"
REDIRECT_NOT_FOLLOWED = "redirect not followed"
# Headers the transport sets itself; a call's own are dropped.
_TRANSPORT_HEADERS = frozenset({"host", "content-length", "connection", "transfer-encoding"})
_READ_CHUNK_BYTES = 16 * 1024


class PinnedWebhookSender:
    """The WebhookSender port: the target's policy checked at registration and again at
    each delivery, which connects to the address it checked."""

    def __init__(
        self,
        allow_loopback: bool,
        resolver: Resolver = socket.getaddrinfo,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        max_response_bytes: int = 64 * 1024,
        excerpt_bytes: int = 1024,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._allow_loopback = allow_loopback
        self._resolver = resolver
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._max_response_bytes = max_response_bytes
        self._excerpt_bytes = min(excerpt_bytes, max_response_bytes)
        # Certificates verified against the host's name, with the system's authorities.
        self._tls = ssl_context or ssl.create_default_context()

    def check(self, url: str) -> None:
        """Raise WebhookTargetRefused unless `url` passes the policy and its host resolves,
        to addresses that all pass it too."""
        target = parse_target(url, self._allow_loopback)
        try:
            addresses = self._addresses(target)
        except (OSError, ValueError) as error:
            raise WebhookTargetRefused(
                f"The webhook host {target.host} could not be resolved: check its name."
            ) from error
        require_allowed(target, addresses, self._allow_loopback)

    def send(self, call: WebhookCall) -> WebhookAnswer:
        """POST the call to the address its host resolves to now, checked again; raises
        WebhookTargetRefused when the policy refuses it, answers anything else."""
        started = time.monotonic()
        target = parse_target(call.url, self._allow_loopback)
        try:
            addresses = self._addresses(target)
        except (OSError, ValueError):
            return WebhookAnswer(
                None, _since(started), error=f"the host {target.host} could not be resolved"
            )
        require_allowed(target, addresses, self._allow_loopback)
        return self._post(target, addresses, call, started)

    def _addresses(self, target: Target) -> list[IPAddress]:
        """Where the host is, now: the address it is, or every address it resolves to."""
        if target.address is not None:
            return [target.address]
        found: list[IPAddress] = []
        for family, _, _, _, sockaddr in self._resolver(
            target.host, target.port, 0, socket.SOCK_STREAM
        ):
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            address = ip_address(str(sockaddr[0]).partition("%")[0])
            if address not in found:
                found.append(address)
        return found

    def _post(
        self, target: Target, addresses: list[IPAddress], call: WebhookCall, started: float
    ) -> WebhookAnswer:
        connection: _PinnedConnection | None = None
        failure = "no address to connect to"
        for address in addresses:
            candidate = _PinnedConnection(
                target,
                address,
                self._connect_timeout,
                self._tls if target.scheme == "https" else None,
            )
            try:
                candidate.connect()
            except (OSError, ValueError) as error:
                candidate.close()
                failure = _in_words(error, f"no connection within {self._connect_timeout:g} s")
                continue
            connection = candidate
            break
        if connection is None:
            return WebhookAnswer(None, _since(started), error=failure)
        try:
            return self._exchange(connection, target, call, started)
        finally:
            connection.close()

    def _exchange(
        self, connection: _PinnedConnection, target: Target, call: WebhookCall, started: float
    ) -> WebhookAnswer:
        timed_out = f"no answer within {self._read_timeout:g} s"
        sock = connection.sock
        try:
            sock.settimeout(self._read_timeout)
            connection.request(
                "POST", target.path_and_query, body=call.body, headers=_headers(call, target)
            )
            response = _DeadlineResponse(sock, time.monotonic() + self._read_timeout)
            response.begin()
        except (OSError, http.client.HTTPException) as error:
            return WebhookAnswer(None, _since(started), error=_in_words(error, timed_out))
        body = self._read_capped(response)
        status = response.status
        return WebhookAnswer(
            status_code=status,
            latency_ms=_since(started),
            excerpt=_excerpt(body[: self._excerpt_bytes]),
            error=REDIRECT_NOT_FOLLOWED if 300 <= status < 400 else None,
        )

    def _read_capped(self, response: http.client.HTTPResponse) -> bytes:
        """The answer's body, up to max_response_bytes; a body cut short (timed out, reset)
        is kept as far as it came: the status line already answered."""
        body = bytearray()
        try:
            while len(body) < self._max_response_bytes:
                chunk = response.read(min(_READ_CHUNK_BYTES, self._max_response_bytes - len(body)))
                if not chunk:
                    break
                body += chunk
        except (OSError, http.client.HTTPException):
            pass
        return bytes(body)


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP/1.1 connection to the host of a target, made to one address already checked;
    TLS (when a context is given) with the host's name for SNI and verification."""

    def __init__(
        self,
        target: Target,
        address: IPAddress,
        connect_timeout: float,
        tls: ssl.SSLContext | None,
    ) -> None:
        super().__init__(target.host, target.port, timeout=connect_timeout)
        self._address = address
        self._tls = tls

    def connect(self) -> None:
        family = socket.AF_INET if isinstance(self._address, IPv4Address) else socket.AF_INET6
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect((str(self._address), self.port))  # the address: no lookup here
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class _DeadlineResponse(http.client.HTTPResponse):
    """An answer read from `sock` until `deadline` (time.monotonic) at the latest: a
    receiver that trickles its answer byte by byte is cut off there, headers included."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__(sock, method="POST")
        self.fp.close()  # the plain reader over the socket, replaced by one with a deadline
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline))


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the answer took too long")
        self._sock.settimeout(remaining)
        return self._sock.recv_into(buffer)


def _headers(call: WebhookCall, target: Target) -> dict[str, str]:
    headers = {
        name: value
        for name, value in call.headers.items()
        if name.lower() not in _TRANSPORT_HEADERS
    }
    if not any(name.lower() == "user-agent" for name in headers):
        headers["User-Agent"] = USER_AGENT
    headers["Host"] = target.authority
    headers["Connection"] = "close"
    return headers


def _in_words(error: BaseException, timed_out: str) -> str:
    """A network failure as a person reads it (never a body or a header's value)."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted: {error.verify_message or 'verification failed'}"
    if isinstance(error, TimeoutError):
        return timed_out
    if isinstance(error, ssl.SSLError):
        return f"TLS handshake failed: {error.reason or 'no detail'}"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError):
        return "connection closed by the receiver before it answered"
    if isinstance(error, http.client.HTTPException):
        return "the answer is not valid HTTP"
    if isinstance(error, OSError):
        return f"network error: {error.strerror or type(error).__name__}"
    return f"request failed: {type(error).__name__}"


def _excerpt(data: bytes) -> str:
    # An incremental decoder leaves a character cut at the cap out instead of mangling it.
    return codecs.getincrementaldecoder("utf-8")("replace").decode(data, final=False)


def _since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)
