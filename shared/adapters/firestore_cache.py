"""RewriteCache on Firestore: one document per accepted rewrite, `rewrite_cache/{key}`.

Documents carry `expires_at` for a Firestore TTL policy (a changed prompt version
makes new keys, so old entries only need to age out).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from google.cloud import firestore

from shared.adapters.transient import transient_errors_as_unavailable

COLLECTION = "rewrite_cache"
LIFETIME = timedelta(days=90)
_BATCH_WRITES = 400  # under Firestore's 500 writes per batch


class FirestoreRewriteCache:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client
        self._entries = client.collection(COLLECTION)

    @transient_errors_as_unavailable
    def get_many(self, keys: Sequence[str]) -> dict[str, list[str]]:
        if not keys:
            return {}
        found: dict[str, list[str]] = {}
        for snapshot in self._client.get_all([self._entries.document(key) for key in keys]):
            if snapshot.exists:
                found[snapshot.id] = list((snapshot.to_dict() or {}).get("sentences", []))
        return found

    @transient_errors_as_unavailable
    def put_many(self, entries: Mapping[str, Sequence[str]]) -> None:
        expires_at = datetime.now(UTC) + LIFETIME
        items = list(entries.items())
        for start in range(0, len(items), _BATCH_WRITES):
            batch = self._client.batch()
            for key, sentences in items[start : start + _BATCH_WRITES]:
                document = {"sentences": list(sentences), "expires_at": expires_at}
                batch.set(self._entries.document(key), document)
            batch.commit()
