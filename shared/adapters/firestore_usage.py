"""UsageCounters on Firestore: `usage/{day}|{dimension}|{key}` holds one group's counters
for one day (`counts.<name>`, added to with increments), `usage_marks/{name}` marks an
addition that must count once (created in the same write as its increments, so a
repeated addition fails whole)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.api_core import exceptions as google_errors
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.firestore_ids import document_id
from shared.adapters.transient import transient_errors_as_unavailable
from shared.service.ports import UsageRow

USAGE = "usage"
MARKS = "usage_marks"
ALL = "all"
_WRITES_PER_BATCH = 400  # Firestore takes 500 writes in one batch


class FirestoreUsageCounters:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client
        self._usage = client.collection(USAGE)
        self._marks = client.collection(MARKS)

    @transient_errors_as_unavailable
    def add(
        self,
        day: str,
        groups: Mapping[str, str],
        counts: Mapping[str, int],
        once: str | None = None,
    ) -> bool:
        increments = {name: firestore.Increment(value) for name, value in counts.items() if value}
        if not increments:
            return True
        writes = self._client.batch()
        if once is not None:
            writes.create(self._marks.document(document_id(once)), {"day": day})
        for dimension, key in {**groups, ALL: ALL}.items():
            fields = _fields(day, dimension, key, increments)
            writes.set(self._group(day, dimension, key), fields, merge=True)
        try:
            writes.commit()
        except google_errors.AlreadyExists:
            return False
        return True

    @transient_errors_as_unavailable
    def add_groups(self, day: str, counts: Mapping[tuple[str, str], Mapping[str, int]]) -> None:
        groups = list(counts.items())
        for start in range(0, len(groups), _WRITES_PER_BATCH):
            writes = self._client.batch()
            for (dimension, key), values in groups[start : start + _WRITES_PER_BATCH]:
                increments = {name: firestore.Increment(n) for name, n in values.items() if n}
                if increments:
                    writes.set(
                        self._group(day, dimension, key),
                        _fields(day, dimension, key, increments),
                        merge=True,
                    )
            writes.commit()

    def _group(self, day: str, dimension: str, key: str) -> firestore.DocumentReference:
        return self._usage.document(f"{day}|{dimension}|{document_id(key)}")

    @transient_errors_as_unavailable
    def rows(self, first_day: str, last_day: str, dimension: str) -> list[UsageRow]:
        query = (
            self._usage.where(filter=FieldFilter("dimension", "==", dimension))
            .where(filter=FieldFilter("day", ">=", first_day))
            .where(filter=FieldFilter("day", "<=", last_day))
        )
        found = [
            UsageRow(str(data["day"]), str(data["key"]), dict(data.get("counts") or {}))
            for data in (snapshot.to_dict() or {} for snapshot in query.stream())
        ]
        return sorted(found, key=lambda row: (row.day, row.group))


def _fields(day: str, dimension: str, key: str, increments: dict[str, Any]) -> dict[str, Any]:
    return {"day": day, "dimension": dimension, "key": key, "counts": increments}
