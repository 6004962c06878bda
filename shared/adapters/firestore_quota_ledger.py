"""QuotaLedger on Firestore: `rate_leases/{key}:{window_seconds}:{window_start}` counts
the slots leased in a window, with one increment per lease (its result is the new
count: Firestore returns each transform's outcome with the write).

Expiry (Terraform): a TTL policy on collection group `rate_leases`, field `expires_at`.
"""

from __future__ import annotations

from google.cloud import firestore

from shared.adapters.firestore_rate_limiter import EXPIRY_MARGIN, window_document_id
from shared.adapters.transient import transient_errors_as_unavailable
from shared.ratelimit.windows import Window

COLLECTION = "rate_leases"
TTL_FIELD = "expires_at"


class FirestoreQuotaLedger:
    def __init__(self, client: firestore.Client) -> None:
        self._leases = client.collection(COLLECTION)

    @transient_errors_as_unavailable
    def lease(self, key: str, window: Window, slots: int) -> int:
        result = self._document(key, window).set(
            {"leased": firestore.Increment(slots), TTL_FIELD: window.end + EXPIRY_MARGIN},
            merge=True,
        )
        # The write's only transform is the increment: its result is the new count.
        return int(result.transform_results[0].integer_value)

    @transient_errors_as_unavailable
    def leased(self, key: str, window: Window) -> int:
        snapshot = self._document(key, window).get()
        return int((snapshot.to_dict() or {}).get("leased", 0)) if snapshot.exists else 0

    def _document(self, key: str, window: Window) -> firestore.DocumentReference:
        return self._leases.document(window_document_id(key, window))
