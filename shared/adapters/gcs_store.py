"""ObjectStore on a Cloud Storage bucket."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import google.cloud.storage as storage
from google.api_core import exceptions as google_errors
from google.api_core.retry import Retry
from google.cloud.storage.retry import DEFAULT_RETRY

from shared.adapters.signing import UrlSigner
from shared.adapters.transient import transient_errors_as_unavailable
from shared.domain.errors import ObjectMissing
from shared.service.ports import SignedUpload

# The longest lifetime Cloud Storage accepts for a V4 signed URL.
MAX_SIGNED_URL_LIFETIME = timedelta(days=7)


class GcsObjectStore:
    """The objects of one bucket.

    `retry` is the client's own retry of transient failures (the library's
    default: up to 120 s); `Unavailable` is raised when it gives up.
    """

    def __init__(
        self,
        client: storage.Client,
        bucket: str,
        signer: UrlSigner,
        *,
        retry: Retry | None = DEFAULT_RETRY,
    ) -> None:
        self._bucket = client.bucket(bucket)
        self._signer = signer
        self._retry = retry

    def signed_upload(
        self, name: str, content_type: str, size_bytes: int, expires_at: datetime
    ) -> SignedUpload:
        """A V4 signed PUT URL that only accepts `content_type` and at most `size_bytes`."""
        if expires_at.tzinfo is None:
            raise ValueError("expires_at must be timezone-aware")
        if not timedelta(0) < expires_at - datetime.now(UTC) <= MAX_SIGNED_URL_LIFETIME:
            raise ValueError(f"expires_at must be in the next {MAX_SIGNED_URL_LIFETIME}")
        if size_bytes < 0:
            raise ValueError("size_bytes must not be negative")
        length_range = {"x-goog-content-length-range": f"0,{size_bytes}"}
        url = self._bucket.blob(name).generate_signed_url(
            version="v4",
            expiration=expires_at,
            method="PUT",
            content_type=content_type,
            headers=dict(length_range),  # a copy: the library adds Host and Content-Type to it
            **self._signer.signing_arguments(),
        )
        headers = {"content-type": content_type, **length_range}
        return SignedUpload(url=url, method="PUT", headers=headers, expires_at=expires_at)

    @transient_errors_as_unavailable
    def read(self, name: str, generation: int | None = None) -> bytes:
        """The object's bytes; with `generation`, of that generation only.

        A generation that was overwritten is missing unless the bucket keeps
        noncurrent versions (object versioning).
        """
        blob = self._bucket.blob(name, generation=generation)
        try:
            return blob.download_as_bytes(retry=self._retry)
        except google_errors.NotFound as missing:
            raise ObjectMissing(
                "the object does not exist", {"name": name, "generation": generation}
            ) from missing

    @transient_errors_as_unavailable
    def write(self, name: str, data: bytes, content_type: str) -> int:
        blob = self._bucket.blob(name)
        blob.upload_from_string(data, content_type=content_type, retry=self._retry)
        return int(blob.generation)

    def signed_download(self, name: str, filename: str, expires_at: datetime) -> str:
        if not timedelta(0) < expires_at - datetime.now(UTC) <= MAX_SIGNED_URL_LIFETIME:
            raise ValueError(f"expires_at must be in the next {MAX_SIGNED_URL_LIFETIME}")
        return self._bucket.blob(name).generate_signed_url(
            version="v4",
            expiration=expires_at,
            method="GET",
            response_disposition=f'attachment; filename="{filename}"',
            **self._signer.signing_arguments(),
        )

    @transient_errors_as_unavailable
    def copy(self, name: str, generation: int, new_name: str) -> int:
        source = self._bucket.blob(name, generation=generation)
        try:
            copied = self._bucket.copy_blob(
                source, self._bucket, new_name, source_generation=generation, retry=self._retry
            )
        except google_errors.NotFound as missing:
            raise ObjectMissing(
                "the object does not exist", {"name": name, "generation": generation}
            ) from missing
        return int(copied.generation)

    @transient_errors_as_unavailable
    def delete(self, name: str) -> None:
        # Already gone is fine: deleting is meant to be repeatable.
        with contextlib.suppress(google_errors.NotFound):
            self._bucket.blob(name).delete(retry=self._retry)
