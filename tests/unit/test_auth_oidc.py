import base64
import datetime
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt
from google.auth.exceptions import TransportError
from google.auth.transport.requests import Request

from shared.adapters.oidc_callers import OidcCallerVerifier
from shared.domain.errors import (
    ErrorKind,
    ExpiredToken,
    ForbiddenCaller,
    InvalidToken,
    MissingToken,
)

AUDIENCE = "https://europe-west1-demo-novel.cloudfunctions.net/worker"
CALLER = "tasks-invoker@demo-novel.iam.gserviceaccount.com"
KEY_ID = "test-key"


@dataclass
class Issuer:
    """A signing key whose certificate a local HTTP server publishes like Google does."""

    signer: crypt.RSASigner
    certs_url: str
    fetches: list[str]

    def token(self, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": "https://accounts.google.com",
            "aud": AUDIENCE,
            "azp": "1234567890",
            "sub": "1234567890",
            "email": CALLER,
            "email_verified": True,
            "iat": now,
            "exp": now + 3600,
        } | overrides
        return jwt.encode(self.signer, {k: v for k, v in claims.items() if v is not None}).decode()


def _private_key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _self_signed_pem(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-issuer")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = json.dumps({KEY_ID: _self_signed_pem(key)}).encode()
    fetches: list[str] = []

    class CertsHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetches.append(self.path)
            if self.path != "/certs":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "public, max-age=3600")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), CertsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Issuer(
            signer=crypt.RSASigner.from_string(_private_key_pem(key), key_id=KEY_ID),
            certs_url=f"http://{host}:{port}/certs",
            fetches=fetches,
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def verifier(issuer: Issuer) -> OidcCallerVerifier:
    return OidcCallerVerifier(AUDIENCE, frozenset({CALLER}), certs_url=issuer.certs_url)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_valid_token_yields_the_caller(issuer: Issuer, verifier: OidcCallerVerifier) -> None:
    assert verifier.verify(_bearer(issuer.token())) == CALLER


def test_wrong_audience_is_refused(issuer: Issuer, verifier: OidcCallerVerifier) -> None:
    token = issuer.token(aud="https://europe-west1-demo-novel.cloudfunctions.net/other")
    with pytest.raises(InvalidToken):
        verifier.verify(_bearer(token))


def test_non_google_issuer_is_refused(issuer: Issuer, verifier: OidcCallerVerifier) -> None:
    with pytest.raises(InvalidToken):
        verifier.verify(_bearer(issuer.token(iss="https://issuer.example.com")))


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": "intruder@demo-novel.iam.gserviceaccount.com"},
        {"email": None},
        {"email_verified": False},
        {"email_verified": "true"},
        {"email_verified": None},
    ],
)
def test_other_or_unverified_email_is_forbidden(
    issuer: Issuer, verifier: OidcCallerVerifier, overrides: dict[str, Any]
) -> None:
    with pytest.raises(ForbiddenCaller) as caught:
        verifier.verify(_bearer(issuer.token(**overrides)))
    assert caught.value.kind is ErrorKind.FORBIDDEN


def test_expired_token_is_refused(issuer: Issuer, verifier: OidcCallerVerifier) -> None:
    now = int(time.time())
    with pytest.raises(ExpiredToken):
        verifier.verify(_bearer(issuer.token(iat=now - 7200, exp=now - 3600)))


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_unsigned_token_is_refused(issuer: Issuer, verifier: OidcCallerVerifier) -> None:
    _, payload, _ = issuer.token().split(".")
    unsigned = f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    with pytest.raises(InvalidToken):
        verifier.verify(_bearer(unsigned))


def test_tampered_claims_break_the_signature(issuer: Issuer, verifier: OidcCallerVerifier) -> None:
    header, _, signature = issuer.token(email="intruder@example.com").split(".")
    _, payload, _ = issuer.token().split(".")
    with pytest.raises(InvalidToken):
        verifier.verify(_bearer(f"{header}.{payload}.{signature}"))


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "e30.e30."])
def test_garbage_is_refused(verifier: OidcCallerVerifier, token: str) -> None:
    with pytest.raises(InvalidToken):
        verifier.verify(_bearer(token))


@pytest.mark.parametrize("header", [None, "", "Basic xxx"])
def test_missing_token_is_refused(verifier: OidcCallerVerifier, header: str | None) -> None:
    with pytest.raises(MissingToken):
        verifier.verify({"Authorization": header} if header is not None else {})


def test_certificates_are_fetched_once_by_default(issuer: Issuer) -> None:
    verifier = OidcCallerVerifier(AUDIENCE, frozenset({CALLER}), certs_url=issuer.certs_url)
    before = len(issuer.fetches)
    for _ in range(3):
        verifier.verify(_bearer(issuer.token()))
    assert len(issuer.fetches) - before == 1


def test_a_given_request_is_used_for_fetching(issuer: Issuer) -> None:
    verifier = OidcCallerVerifier(
        AUDIENCE, frozenset({CALLER}), certs_url=issuer.certs_url, request=Request()
    )
    before = len(issuer.fetches)
    for _ in range(3):
        verifier.verify(_bearer(issuer.token()))
    assert len(issuer.fetches) - before == 3


def test_certificate_outage_is_not_blamed_on_the_caller(issuer: Issuer) -> None:
    verifier = OidcCallerVerifier(
        AUDIENCE, frozenset({CALLER}), certs_url=issuer.certs_url.replace("/certs", "/gone")
    )
    with pytest.raises(TransportError):
        verifier.verify(_bearer(issuer.token()))


@pytest.mark.parametrize(
    ("audience", "emails"), [("", frozenset({CALLER})), (AUDIENCE, frozenset())]
)
def test_empty_configuration_is_refused(audience: str, emails: frozenset[str]) -> None:
    with pytest.raises(ValueError):
        OidcCallerVerifier(audience, emails)
