"""Who signs upload URLs: a throwaway key locally, the IAM signBlob API on Cloud Functions.

Each signer gives the keyword arguments of `Blob.generate_signed_url` that name
the signing identity.
"""

from __future__ import annotations

from typing import Protocol, TypedDict

import google.auth.credentials
import google.auth.transport.requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2 import service_account


class SigningArguments(TypedDict, total=False):
    credentials: service_account.Credentials
    service_account_email: str
    access_token: str


class UrlSigner(Protocol):
    def signing_arguments(self) -> SigningArguments: ...


def throwaway_service_account(email: str) -> dict[str, str]:
    """A service-account key file's content, with a new RSA key valid nowhere."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": email.split("@")[-1].split(".")[0],
        "private_key_id": "throwaway",
        "private_key": pem,
        "client_email": email,
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


class LocalSigner:
    """Signs with an RSA key made in this process.

    Its signatures are valid nowhere: only for emulators that do not check them
    (fake-gcs-server).
    """

    def __init__(self) -> None:
        self._credentials = service_account.Credentials.from_service_account_info(
            throwaway_service_account("local-signer@demo-fnt.iam.gserviceaccount.com")
        )

    def signing_arguments(self) -> SigningArguments:
        return {"credentials": self._credentials}


class IamSigner:
    """Signs as `service_account_email` through the IAM signBlob API.

    For Cloud Functions, whose default credentials hold no private key:
    `credentials` (e.g. from `google.auth.default()`) only authorise the signBlob
    call, so their principal needs roles/iam.serviceAccountTokenCreator on the
    signing account (on itself when it is the function's own account).
    """

    def __init__(
        self, service_account_email: str, credentials: google.auth.credentials.Credentials
    ) -> None:
        self._email = service_account_email
        self._credentials = credentials

    def signing_arguments(self) -> SigningArguments:
        if not self._credentials.valid:  # never refreshed yet, or the token expired
            self._credentials.refresh(google.auth.transport.requests.Request())
        return {"service_account_email": self._email, "access_token": str(self._credentials.token)}
