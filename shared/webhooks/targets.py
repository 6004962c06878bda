"""Which URLs and addresses a webhook delivery may reach.

A user names the URL and so, through DNS, the address: without a policy, a delivery is a
request from inside the platform to wherever they like (server-side request forgery).
So a target is HTTPS, names a host with neither user nor fragment, and the host and
every address it resolves to must be on the public internet: no loopback, private,
link-local (the cloud metadata service among them), shared, multicast, reserved or
documentation address, in either family, nor an IPv4 address hidden in an IPv6 one.

The names of the metadata service and of private zones are refused before any lookup.
The sender resolves again before each delivery and connects to the address it checked
(DNS can change between the two: see `shared/adapters/webhook_sender.py`).

`allow_loopback` exists for local runs and tests: it lets loopback addresses through,
and plain HTTP to them only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from urllib.parse import quote, urlsplit

from shared.domain.errors import WebhookTargetRefused

IPAddress = IPv4Address | IPv6Address

MAX_URL_CHARS = 2048
MAX_HOST_CHARS = 253
DEFAULT_PORTS = {"https": 443, "http": 80}

LOOPBACK = "a loopback address (this machine)"
PRIVATE = "a private network address"
LINK_LOCAL = "a link-local address"
METADATA = "the cloud metadata service"
MULTICAST = "a multicast address"
UNSPECIFIED = "the unspecified address"
RESERVED = "a reserved address"
DOCUMENTATION = "a documentation address"
BENCHMARKING = "a benchmarking address"
NOT_PUBLIC = "not a public internet address"

_IPV4_RANGES: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(network), reason)
    for network, reason in (
        ("255.255.255.255/32", "the broadcast address"),
        ("0.0.0.0/8", UNSPECIFIED),
        ("127.0.0.0/8", LOOPBACK),
        ("10.0.0.0/8", PRIVATE),
        ("172.16.0.0/12", PRIVATE),
        ("192.168.0.0/16", PRIVATE),
        ("100.64.0.0/10", "a carrier-grade NAT (shared) address"),
        ("169.254.169.254/32", METADATA),
        ("169.254.0.0/16", LINK_LOCAL),
        ("192.0.0.0/24", "an IETF protocol address"),
        ("192.0.2.0/24", DOCUMENTATION),
        ("198.51.100.0/24", DOCUMENTATION),
        ("203.0.113.0/24", DOCUMENTATION),
        ("198.18.0.0/15", BENCHMARKING),
        ("192.88.99.0/24", RESERVED),  # the former 6to4 relays
        ("224.0.0.0/4", MULTICAST),
        ("240.0.0.0/4", RESERVED),
    )
)

_IPV4_LOOPBACK = IPv4Network("127.0.0.0/8")
_IPV6_LOOPBACK = IPv6Address("::1")
_IPV6_MAPPED = IPv6Network("::ffff:0:0/96")
_IPV6_COMPATIBLE = IPv6Network("::/96")
_NAT64 = IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = IPv6Network("2002::/16")
_TEREDO = IPv6Network("2001::/32")
_GLOBAL_UNICAST = IPv6Network("2000::/3")
_IPV6_RANGES: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(network), reason)
    for network, reason in (
        ("::/128", UNSPECIFIED),
        ("fd00:ec2::254/128", METADATA),
        ("fc00::/7", "a private (unique local) address"),
        ("fe80::/10", LINK_LOCAL),
        ("fec0::/10", "a site-local address"),
        ("ff00::/8", MULTICAST),
        ("2001:db8::/32", DOCUMENTATION),
        ("3fff::/20", DOCUMENTATION),
        ("2001:2::/48", BENCHMARKING),
        ("100::/64", "a discard-only address"),
        ("64:ff9b:1::/48", "a local-use NAT64 address"),
    )
)

# Names refused before any lookup: the metadata service, and zones that are never public.
_METADATA_NAMES = frozenset({"metadata", "metadata.google.internal"})
_PRIVATE_SUFFIXES = (".internal", ".local", ".localdomain", ".home.arpa", ".intranet", ".lan")
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)")
_NETLOC = re.compile(r"(?P<host>\[[^\[\]]*\]|[^\[\]:]*)(?::(?P<port>[0-9]*))?")


@dataclass(frozen=True, slots=True)
class Target:
    """A URL a delivery may be sent to, taken apart and normalised."""

    scheme: str  # "https" ("http" only to a loopback host when allowed)
    host: str  # lowercase ASCII (IDNA) name, or an IP address without brackets
    port: int
    path_and_query: str  # starts with "/", ASCII (other characters percent-encoded)

    @property
    def address(self) -> IPAddress | None:
        """The host when it is an IP address, else None."""
        return _literal(self.host)

    @property
    def authority(self) -> str:
        """The Host header: the host (an IPv6 address in brackets), and the port unless
        it is the scheme's own."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.authority}{self.path_and_query}"


def parse_target(url: str, allow_loopback: bool = False) -> Target:
    """The target of `url`; raises WebhookTargetRefused, saying why, unless it is an
    https URL (http only to a loopback host, when allowed) with a host that is not an
    address or name no delivery may reach, no user or password, no fragment, a port from
    1 to 65535."""
    if len(url) > MAX_URL_CHARS:
        raise _refused(f"The webhook URL is longer than {MAX_URL_CHARS} characters.")
    if any(ord(c) <= 0x20 or ord(c) == 0x7F or c == "\\" for c in url):
        raise _refused("The webhook URL contains spaces, control characters or backslashes.")
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise _refused("The webhook URL is not a valid URL.") from error
    if parts.scheme not in DEFAULT_PORTS:
        raise _refused("The webhook URL must start with https://.")
    if "#" in url:
        raise _refused("The webhook URL must not have a fragment (#...).")
    if "@" in parts.netloc:
        raise _refused("The webhook URL must not carry a user name or password.")
    netloc = _NETLOC.fullmatch(parts.netloc)
    if netloc is None:
        raise _refused("The webhook URL's host and port are not valid.")
    host = _host(netloc["host"], allow_loopback)
    port = _port(netloc["port"], parts.scheme)
    if parts.scheme == "http" and not (allow_loopback and _loopback_host(host)):
        raise _refused("The webhook URL must use https.")
    path = parts.path or "/"
    if not path.startswith("/"):
        raise _refused("The webhook URL's path is not valid.")
    query = f"?{parts.query}" if parts.query else ""
    return Target(parts.scheme, host, port, _ascii(path + query))


def address_allowed(address: IPAddress, allow_loopback: bool = False) -> str | None:
    """None when a delivery may go to `address`, else why not, in words."""
    if isinstance(address, IPv4Address):
        return _ipv4_refusal(address, allow_loopback)
    return _ipv6_refusal(IPv6Address(address.packed), allow_loopback)  # any zone dropped


def require_allowed(target: Target, addresses: Iterable[IPAddress], allow_loopback: bool) -> None:
    """Raise WebhookTargetRefused unless every address `target`'s host resolved to may be
    reached (and, for plain http, is a loopback address)."""
    found = False
    for address in addresses:
        found = True
        reason = address_allowed(address, allow_loopback)
        if reason is None and target.scheme == "http" and not _loopback_address(address):
            reason = "not a loopback address, which plain http is limited to"
        if reason is not None:
            if target.address is not None:
                raise _refused(f"The webhook host {target.host} is {reason}.")
            # The address itself is not told: it would be a window on private DNS zones.
            raise _refused(
                f"The webhook host {target.host} resolves to {reason}; "
                "deliveries only go to public internet addresses."
            )
    if not found:
        raise _refused(f"The webhook host {target.host} resolves to no address.")


# --------------------------------------------------------------------------- addresses


def _ipv4_refusal(address: IPv4Address, allow_loopback: bool) -> str | None:
    for network, reason in _IPV4_RANGES:
        if address in network:
            if reason == LOOPBACK and allow_loopback:
                return None
            return reason
    return None if address.is_global else NOT_PUBLIC


def _ipv6_refusal(address: IPv6Address, allow_loopback: bool) -> str | None:
    if address == _IPV6_LOOPBACK:
        return None if allow_loopback else LOOPBACK
    if address in _IPV6_MAPPED:
        return "an IPv4 address written as IPv6 (IPv4-mapped), which is never reached"
    if address in _IPV6_COMPATIBLE and address != IPv6Address(0):
        return "an IPv4-compatible IPv6 address (deprecated), which is never reached"
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        kind, ipv4, always = embedded
        inner = _ipv4_refusal(ipv4, allow_loopback=False)
        if inner is not None:
            return f"a {kind} address of {ipv4}, {inner}"
        if always:
            return f"a {kind} address, which is never reached"
        return None
    for network, reason in _IPV6_RANGES:
        if address in network:
            return reason
    if address not in _GLOBAL_UNICAST:
        return RESERVED
    return None if address.is_global else NOT_PUBLIC


def _embedded_ipv4(address: IPv6Address) -> tuple[str, IPv4Address, bool] | None:
    """The IPv4 address a translation or tunnel prefix carries: its kind, the address, and
    whether the prefix is refused whatever it carries (Teredo: a dead tunnel)."""
    if address in _NAT64:
        return "NAT64", IPv4Address(int(address) & 0xFFFFFFFF), False
    if address in _SIX_TO_FOUR and address.sixtofour is not None:
        return "6to4", address.sixtofour, False
    if address in _TEREDO and address.teredo is not None:
        server, client = address.teredo
        worse = client if _ipv4_refusal(client, allow_loopback=False) else server
        return "Teredo", worse, True
    return None


def _loopback_address(address: IPAddress) -> bool:
    if isinstance(address, IPv4Address):
        return address in _IPV4_LOOPBACK
    return IPv6Address(address.packed) == _IPV6_LOOPBACK


# --------------------------------------------------------------------------- URL parts


def _host(raw: str, allow_loopback: bool) -> str:
    if not raw:
        raise _refused("The webhook URL has no host.")
    if raw.startswith("["):
        try:
            address = IPv6Address(raw[1:-1])
        except ValueError as error:
            raise _refused("The webhook URL's IPv6 address is not valid.") from error
        if address.scope_id is not None:
            raise _refused("The webhook URL's IPv6 address must not name a zone (%...).")
        return _allowed_literal(address, raw, allow_loopback)
    literal = _literal(raw)
    if isinstance(literal, IPv4Address):
        return _allowed_literal(literal, raw, allow_loopback)
    return _allowed_name(_idna(raw), allow_loopback)


def _idna(raw: str) -> str:
    name = raw.lower()
    if name.endswith("."):
        name = name[:-1]  # the root's dot: "example.com." is "example.com"
    try:
        name = name.encode("idna").decode("ascii").lower()
    except UnicodeError as error:
        raise _refused("The webhook URL's host is not a valid name.") from error
    labels = name.split(".")
    if len(name) > MAX_HOST_CHARS or not all(_LABEL.fullmatch(label) for label in labels):
        raise _refused("The webhook URL's host is not a valid name.")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        # "127.1", "2130706433", "0x7f.1": numbers some resolvers read as IPv4 addresses.
        raise _refused("The webhook URL's host is neither a valid name nor an IP address.")
    return name


def _allowed_name(name: str, allow_loopback: bool) -> str:
    if name == "localhost" or name.endswith(".localhost"):
        if allow_loopback:
            return name
        raise _refused(f"The webhook host {name} is {LOOPBACK}.")
    if name in _METADATA_NAMES or name.endswith(".internal"):
        raise _refused(f"The webhook host {name} is {METADATA} or an internal name.")
    if name.endswith(_PRIVATE_SUFFIXES):
        raise _refused(f"The webhook host {name} is a name of a private network.")
    if "." not in name:
        raise _refused(f"The webhook host {name} is not a full public domain name.")
    return name


def _allowed_literal(address: IPAddress, written: str, allow_loopback: bool) -> str:
    reason = address_allowed(address, allow_loopback)
    if reason is not None:
        raise _refused(f"The webhook host {written} is {reason}.")
    return str(address)


def _literal(host: str) -> IPAddress | None:
    try:
        return IPv6Address(host) if ":" in host else IPv4Address(host)
    except ValueError:
        return None


def _loopback_host(host: str) -> bool:
    literal = _literal(host)
    if literal is not None:
        return _loopback_address(literal)
    return host == "localhost" or host.endswith(".localhost")


def _port(raw: str | None, scheme: str) -> int:
    if not raw:
        return DEFAULT_PORTS[scheme]
    port = int(raw) if len(raw) <= 5 else 0
    if not 1 <= port <= 65535:
        raise _refused("The webhook URL's port must be from 1 to 65535.")
    return port


def _ascii(text: str) -> str:
    """Characters outside ASCII percent-encoded as UTF-8; the rest kept as written."""
    return "".join(c if c.isascii() else quote(c, safe="") for c in text)


def _refused(message: str) -> WebhookTargetRefused:
    return WebhookTargetRefused(message)
