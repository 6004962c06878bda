"""GcsObjectStore against fake-gcs-server."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from google.api_core import exceptions as google_errors
from google.api_core.retry import Retry
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from google.cloud.storage.retry import DEFAULT_RETRY

from infra.local_stack.ports import LOOPBACK, free_ports
from shared.adapters.gcs_store import GcsObjectStore
from shared.adapters.signing import LocalSigner
from shared.domain.errors import ObjectMissing, Unavailable
from tests.integration.conftest import PROJECT, UPLOADS_BUCKET

pytestmark = pytest.mark.stack

PDF = b"%PDF-1.4\n% a tiny stand-in for a novel\n"


@pytest.fixture(scope="module")
def signer() -> LocalSigner:
    return LocalSigner()


@pytest.fixture
def store(storage_client: storage.Client, signer: LocalSigner) -> GcsObjectStore:
    return GcsObjectStore(storage_client, UPLOADS_BUCKET, signer)


def _name() -> str:
    return f"store-tests/{uuid.uuid4().hex}.pdf"


def test_write_returns_the_generation_that_read_gives_back(
    store: GcsObjectStore, storage_client: storage.Client
) -> None:
    name = _name()

    generation = store.write(name, PDF, "application/pdf")

    stored = storage_client.bucket(UPLOADS_BUCKET).get_blob(name)
    assert (stored.generation, stored.content_type) == (generation, "application/pdf")
    assert store.read(name) == PDF
    assert store.read(name, generation) == PDF


def test_an_overwritten_generation_is_missing_from_an_unversioned_bucket(
    store: GcsObjectStore,
) -> None:
    """As in Cloud Storage: a reader pinned to a generation never gets newer bytes."""
    name = _name()
    first = store.write(name, b"first upload", "application/pdf")

    second = store.write(name, b"second upload", "application/pdf")

    assert second != first
    assert store.read(name, second) == b"second upload"
    with pytest.raises(ObjectMissing):
        store.read(name, first)


def test_a_versioned_bucket_keeps_the_overwritten_generation(
    storage_client: storage.Client, signer: LocalSigner
) -> None:
    bucket = storage_client.bucket(f"versioned-{uuid.uuid4().hex}")
    bucket.versioning_enabled = True
    bucket.create()
    store = GcsObjectStore(storage_client, bucket.name, signer)
    name = _name()
    first = store.write(name, b"first upload", "application/pdf")

    store.write(name, b"second upload", "application/pdf")

    assert store.read(name, first) == b"first upload"
    assert store.read(name) == b"second upload"


def test_reading_a_missing_object_raises_object_missing(store: GcsObjectStore) -> None:
    with pytest.raises(ObjectMissing):
        store.read(_name())


def test_delete_removes_the_object_and_may_be_repeated(store: GcsObjectStore) -> None:
    name = _name()
    store.write(name, PDF, "application/pdf")

    store.delete(name)
    store.delete(name)

    with pytest.raises(ObjectMissing):
        store.read(name)


def test_a_signed_upload_accepts_a_put_with_its_headers(store: GcsObjectStore) -> None:
    name = _name()
    expires_at = datetime.now(UTC) + timedelta(minutes=15)

    upload = store.signed_upload(name, "application/pdf", 50 * 1024 * 1024, expires_at)
    response = requests.put(upload.url, data=PDF, headers=dict(upload.headers), timeout=10)

    assert response.status_code == 200, response.text
    assert store.read(name) == PDF
    assert (upload.method, upload.expires_at) == ("PUT", expires_at)
    assert upload.headers == {
        "content-type": "application/pdf",
        "x-goog-content-length-range": f"0,{50 * 1024 * 1024}",
    }
    query = parse_qs(urlsplit(upload.url).query)
    assert query["X-Goog-Algorithm"] == ["GOOG4-RSA-SHA256"]
    assert query["X-Goog-SignedHeaders"] == ["content-type;host;x-goog-content-length-range"]
    assert 899 <= int(query["X-Goog-Expires"][0]) <= 900


@pytest.mark.parametrize(
    "expires_at",
    [
        datetime.now(UTC) + timedelta(days=8),  # computed at collection: keep a margin
        datetime.now(UTC) - timedelta(minutes=1),
        datetime.now() + timedelta(minutes=15),  # naive on purpose
    ],
    ids=["beyond-7-days", "past", "naive"],
)
def test_a_signed_upload_needs_an_expiry_within_7_days(
    store: GcsObjectStore, expires_at: datetime
) -> None:
    with pytest.raises(ValueError, match="expires_at"):
        store.signed_upload(_name(), "application/pdf", 1024, expires_at)


@pytest.fixture
def unreachable_client(monkeypatch: pytest.MonkeyPatch) -> storage.Client:
    [closed_port] = free_ports(1)
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://{LOOPBACK}:{closed_port}")
    return storage.Client(project=PROJECT, credentials=AnonymousCredentials())


@pytest.mark.parametrize(
    ("retry", "cause"),
    [
        (None, requests.ConnectionError),  # no retry: the connection error itself
        (DEFAULT_RETRY.with_timeout(0.5), google_errors.RetryError),  # retries ran out
    ],
    ids=["no-retry", "retries-exhausted"],
)
def test_unreachable_storage_surfaces_as_unavailable(
    unreachable_client: storage.Client,
    signer: LocalSigner,
    retry: Retry | None,
    cause: type[Exception],
) -> None:
    store = GcsObjectStore(unreachable_client, UPLOADS_BUCKET, signer, retry=retry)

    for call in (
        lambda: store.read("any"),
        lambda: store.write("any", PDF, "application/pdf"),
        lambda: store.delete("any"),
    ):
        with pytest.raises(Unavailable) as raised:
            call()
        assert isinstance(raised.value.__cause__, cause)
