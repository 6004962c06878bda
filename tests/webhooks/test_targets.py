"""The URL and address policy of webhook targets."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from shared.domain.errors import WebhookTargetRefused
from shared.webhooks.targets import Target, address_allowed, parse_target, require_allowed

ALLOWED = None

# (address, what the refusal says, or None where a delivery may go)
ADDRESSES = [
    # public, both families
    ("8.8.8.8", ALLOWED),
    ("1.1.1.1", ALLOWED),
    ("93.184.215.14", ALLOWED),
    ("2001:4860:4860::8888", ALLOWED),
    ("2606:4700:4700::1111", ALLOWED),
    # loopback
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("::1", "loopback"),
    # private
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.254", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("fd12:3456:789a::1", "private"),
    # link-local and the metadata service
    ("169.254.1.1", "link-local"),
    ("169.254.169.254", "metadata"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("fd00:ec2::254", "metadata"),
    # carrier-grade NAT
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    # multicast, unspecified, broadcast, reserved
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("ff0e::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "unspecified"),
    ("::", "unspecified"),
    ("255.255.255.255", "broadcast"),
    ("240.0.0.1", "reserved"),
    ("192.88.99.1", "reserved"),
    ("4000::1", "reserved"),
    ("::2:0:0:1", "reserved"),
    # documentation and benchmarking
    ("192.0.2.1", "documentation"),
    ("198.51.100.1", "documentation"),
    ("203.0.113.1", "documentation"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.254", "benchmarking"),
    ("2001:2::1", "benchmarking"),
    ("192.0.0.8", "IETF"),
    ("100::1", "discard"),
    # IPv4 inside IPv6
    ("::ffff:127.0.0.1", "IPv4-mapped"),
    ("::ffff:8.8.8.8", "IPv4-mapped"),  # refused whatever it maps to
    ("::ffff:169.254.169.254", "IPv4-mapped"),
    ("::8.8.8.8", "IPv4-compatible"),
    ("::127.0.0.1", "IPv4-compatible"),
    ("64:ff9b::7f00:1", "NAT64 address of 127.0.0.1, a loopback"),
    ("64:ff9b::a9fe:a9fe", "NAT64 address of 169.254.169.254, the cloud metadata"),
    ("64:ff9b::a00:1", "NAT64 address of 10.0.0.1, a private"),
    ("64:ff9b::808:808", ALLOWED),  # 8.8.8.8 through a NAT64 gateway
    ("64:ff9b:1::a00:1", "local-use NAT64"),
    ("2002:a00:1::1", "6to4 address of 10.0.0.1, a private"),
    ("2002:7f00:1::1", "6to4 address of 127.0.0.1, a loopback"),
    ("2002:a9fe:a9fe::1", "6to4 address of 169.254.169.254"),
    ("2002:808:808::1", ALLOWED),  # 8.8.8.8's 6to4 network
    # Teredo: server 65.54.227.120, client 127.0.0.1 (obfuscated), then a public client
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo address of 127.0.0.1, a loopback"),
    ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", "Teredo"),
    # site-local (deprecated)
    ("fec0::1", "site-local"),
]


@pytest.mark.parametrize(("address", "refusal"), ADDRESSES)
def test_address_policy(address: str, refusal: str | None) -> None:
    reason = address_allowed(ip_address(address), allow_loopback=False)
    if refusal is None:
        assert reason is None
    else:
        assert reason is not None
        assert refusal in reason


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1"])
def test_loopback_is_allowed_only_when_asked(address: str) -> None:
    assert address_allowed(ip_address(address), allow_loopback=True) is None
    assert address_allowed(ip_address(address), allow_loopback=False) is not None


@pytest.mark.parametrize(
    "address",
    ["::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1", "10.0.0.1"],
)
def test_allowing_loopback_allows_nothing_else(address: str) -> None:
    assert address_allowed(ip_address(address), allow_loopback=True) is not None


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://hooks.example.com/in", Target("https", "hooks.example.com", 443, "/in")),
        ("https://HOOKS.Example.COM", Target("https", "hooks.example.com", 443, "/")),
        (
            "https://hooks.example.com.:8443?a=1&b=2",
            Target("https", "hooks.example.com", 8443, "/?a=1&b=2"),
        ),
        ("HTTPS://hooks.example.com:443/x", Target("https", "hooks.example.com", 443, "/x")),
        ("https://8.8.8.8/in", Target("https", "8.8.8.8", 443, "/in")),
        ("https://[2001:4860:4860::8888]:1/in", Target("https", "2001:4860:4860::8888", 1, "/in")),
        ("https://hooks.example.com:65535/", Target("https", "hooks.example.com", 65535, "/")),
        # IDNA: the name in its ASCII form; a path's other characters percent-encoded
        (
            "https://bücher.example/événements",
            Target("https", "xn--bcher-kva.example", 443, "/%C3%A9v%C3%A9nements"),
        ),
        ("https://BÜCHER.example/", Target("https", "xn--bcher-kva.example", 443, "/")),
        ("https://xn--bcher-kva.example/", Target("https", "xn--bcher-kva.example", 443, "/")),
        ("https://例え.テスト/", Target("https", "xn--r8jz45g.xn--zckzah", 443, "/")),
    ],
)
def test_parse_target_normalises(url: str, target: Target) -> None:
    assert parse_target(url, allow_loopback=False) == target


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://hooks.example.com/", "https"),
        ("ftp://hooks.example.com/", "https"),
        ("hooks.example.com/in", "https"),
        ("//hooks.example.com/in", "https"),
        ("https://user@hooks.example.com/", "user"),
        ("https://user:password@hooks.example.com/", "user"),
        ("https://hooks.example.com@8.8.8.8/", "user"),
        ("https://hooks.example.com/#part", "fragment"),
        ("https://hooks.example.com/#", "fragment"),
        ("https:///in", "no host"),
        ("https://:443/in", "no host"),
        ("https://hooks.example.com:0/", "port"),
        ("https://hooks.example.com:65536/", "port"),
        ("https://hooks.example.com:99999999/", "port"),
        ("https://hooks.example.com:-1/", "port"),
        ("https://hooks.example.com:https/", "port"),
        ("https://hooks.example.com:44 3/", "spaces"),
        ("https://hooks.example.com/a b", "spaces"),
        ("https://hooks.example.com/\r\nX-Injected: 1", "control"),
        ("https://hooks.example.com\\@8.8.8.8/", "backslash"),
        ("https://" + "a" * 64 + ".example.com/", "valid name"),
        ("https://" + "a." * 127 + "com/", "valid name"),
        ("https://hooks..example.com/", "valid name"),
        ("https://-hooks.example.com/", "valid name"),
        ("https://hooks.example.com/" + "a" * 2048, "longer than"),
        ("https://[::1/", "not a valid URL"),
        ("https://[not-an-address]/", "valid"),
        ("https://[fe80::1%25eth0]/", "zone"),
        ("https://127.1/", "neither a valid name nor an IP address"),
        ("https://2130706433/", "neither a valid name nor an IP address"),
        ("https://0x7f.0.0.1/", "neither a valid name nor an IP address"),
        ("https://localhost/", "loopback"),
        ("https://LOCALHOST./", "loopback"),
        ("https://api.localhost/", "loopback"),
        ("https://127.0.0.1/", "loopback"),
        ("https://[::1]/", "loopback"),
        ("https://169.254.169.254/computeMetadata/v1/", "metadata"),
        ("https://metadata.google.internal/", "metadata"),
        ("https://METADATA.google.internal./", "metadata"),
        ("https://metadata/", "metadata"),
        ("https://db.corp.internal/", "internal"),
        ("https://printer.local/", "private network"),
        ("https://router.home.arpa/", "private network"),
        ("https://intranet/", "full public domain name"),
        ("https://[::ffff:127.0.0.1]/", "IPv4-mapped"),
        ("https://[::ffff:8.8.8.8]/", "IPv4-mapped"),
        ("https://10.0.0.1/", "private"),
        ("https://[fd00:ec2::254]/", "metadata"),
    ],
)
def test_parse_target_refuses(url: str, says: str) -> None:
    with pytest.raises(WebhookTargetRefused) as refused:
        parse_target(url, allow_loopback=False)
    assert says in refused.value.message
    assert refused.value.code == "WEBHOOK_TARGET_REFUSED"


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("http://127.0.0.1:8080/in", Target("http", "127.0.0.1", 8080, "/in")),
        ("http://localhost/in", Target("http", "localhost", 80, "/in")),
        ("http://[::1]:9/", Target("http", "::1", 9, "/")),
        ("https://localhost:8443/", Target("https", "localhost", 8443, "/")),
    ],
)
def test_loopback_and_its_plain_http_only_when_allowed(url: str, target: Target) -> None:
    assert parse_target(url, allow_loopback=True) == target
    with pytest.raises(WebhookTargetRefused):
        parse_target(url, allow_loopback=False)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/",
        "http://8.8.8.8/",
        "http://10.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_plain_http_elsewhere_is_refused_even_when_loopback_is_allowed(url: str) -> None:
    with pytest.raises(WebhookTargetRefused):
        parse_target(url, allow_loopback=True)


def test_the_host_header_names_the_port_unless_it_is_the_schemes() -> None:
    assert parse_target("https://hooks.example.com/").authority == "hooks.example.com"
    assert parse_target("https://hooks.example.com:8443/").authority == "hooks.example.com:8443"
    assert parse_target("https://[2001:4860::1]:8443/").authority == "[2001:4860::1]:8443"
    assert parse_target("https://bücher.example/é").url == "https://xn--bcher-kva.example/%C3%A9"


def test_every_resolved_address_must_be_allowed() -> None:
    target = parse_target("https://hooks.example.com/")
    public = [ip_address("8.8.8.8"), ip_address("2001:4860:4860::8888")]
    require_allowed(target, public, allow_loopback=False)

    for bad, says in (("10.1.2.3", "private"), ("169.254.169.254", "metadata")):
        with pytest.raises(WebhookTargetRefused) as refused:
            require_allowed(target, [*public, ip_address(bad)], allow_loopback=False)
        assert says in refused.value.message
        assert bad not in refused.value.message  # private DNS answers are not echoed

    with pytest.raises(WebhookTargetRefused, match="no address"):
        require_allowed(target, [], allow_loopback=False)


def test_plain_http_must_resolve_to_loopback_only() -> None:
    target = parse_target("http://localhost:8080/", allow_loopback=True)
    require_allowed(target, [ip_address("127.0.0.1"), ip_address("::1")], allow_loopback=True)
    with pytest.raises(WebhookTargetRefused, match="loopback"):
        require_allowed(target, [ip_address("8.8.8.8")], allow_loopback=True)
