"""Compare-and-set of a Firestore document on its last update time: the record's
`version` is the update time it was read at, and a change is written only if no other
write came since (write races are settled without locking transactions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.api_core import exceptions as google_errors
from google.cloud import firestore


def update_if_unchanged(
    client: firestore.Client,
    document: firestore.DocumentReference,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    version: object,
) -> bool:
    """Write the fields `after` changes from `before` iff the document is still at
    `version`; False when another write came first."""
    changes = {key: value for key, value in after.items() if before.get(key) != value}
    if not changes:
        return True
    option = client.write_option(last_update_time=version)
    try:
        document.update(changes, option=option)
    except (google_errors.FailedPrecondition, google_errors.Aborted):
        return False
    return True
