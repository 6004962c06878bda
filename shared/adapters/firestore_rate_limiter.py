"""RateLimiter on Firestore: one document per admitted request, exact under concurrency.

Layout: `rate_limits/{key}:{window_seconds}:{window_start}/rate_limit_slots/{n}`, with
n in 0..limit-1 (the window document itself is never written). A request is admitted
when it creates a free slot: `create()` lets exactly one caller win each slot id, so
neither a transaction (contended ones stall) nor a hot counter document (about one
write per second each) is involved.

Slots are taken in order (a caller tries slot n only after counting n slots), so the
count of a window's slots is also its first free slot. Operations per acquire:
- uncontended: 2, a count aggregation and one create;
- window full: 1, the count (refused traffic writes nothing);
- each race lost: 2 more, the failed create and a recount (recounting jumps past every
  slot taken meanwhile, where probing the next id would lose again and again); at most
  `limit` rounds.
peek: 1, the count.

Expiry (Terraform): a TTL policy on collection group `rate_limit_slots`, field
`expires_at` (window end + 1 h); exempt that field from indexing, nothing queries it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from google.api_core import exceptions as google_errors
from google.cloud import firestore

from shared.adapters.firestore_ids import document_id
from shared.adapters.transient import transient_errors_as_unavailable
from shared.ratelimit.windows import Decision, Quota, Window

COLLECTION = "rate_limits"
SLOTS = "rate_limit_slots"  # a collection group of its own, so its TTL policy touches nothing else
TTL_FIELD = "expires_at"
# Kept past the window's end for callers whose clock lags; TTL deletes within a day after.
EXPIRY_MARGIN = timedelta(hours=1)


class FirestoreRateLimiter:
    def __init__(self, client: firestore.Client) -> None:
        self._windows = client.collection(COLLECTION)

    @transient_errors_as_unavailable
    def acquire(self, key: str, quota: Quota, now: datetime) -> Decision:
        window = Window.containing(now, quota.window_seconds)
        slots = self._slots(key, window)
        slot = {TTL_FIELD: window.end + EXPIRY_MARGIN}
        taken = _count(slots)
        while taken < quota.limit:
            try:
                slots.document(str(taken)).create(slot)
            except google_errors.AlreadyExists:
                # Also what a retried create whose first attempt landed sees: that slot
                # is then lost to everyone, which can only refuse early, never over-admit.
                taken = max(taken + 1, _count(slots))
                continue
            return Decision.of(quota, now, used=taken + 1, allowed=True)
        return Decision.of(quota, now, used=taken, allowed=False)

    @transient_errors_as_unavailable
    def peek(self, key: str, quota: Quota, now: datetime) -> Decision:
        window = Window.containing(now, quota.window_seconds)
        taken = _count(self._slots(key, window))
        return Decision.of(quota, now, used=taken, allowed=taken < quota.limit)

    def _slots(self, key: str, window: Window) -> firestore.CollectionReference:
        return self._windows.document(window_document_id(key, window)).collection(SLOTS)


def window_document_id(key: str, window: Window) -> str:
    """`{key}:{window_seconds}:{window_start}`, the key encoded for a document id."""
    return f"{document_id(key)}:{window.seconds}:{window.start}"


def _count(slots: firestore.CollectionReference) -> int:
    # Billed as one read per 1000 slots counted; int(): the emulator answers 0.0 for none.
    return int(slots.count().get()[0][0].value)
