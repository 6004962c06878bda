"""The `on_pdf_uploaded` function: a Cloud Storage "object finalized" CloudEvent.

Raising makes functions-framework answer 500, and Eventarc delivers the event again
later: that is how transient failures (a dependency down, the scanner unreachable, a
concurrent delivery still enqueueing) are retried. A permanent one is logged and the
event answered as handled: another delivery could only fail the same way.
"""

from __future__ import annotations

import logging

from cloudevents.http import CloudEvent
from pydantic import BaseModel, ConfigDict, Field

from shared.domain.errors import AppError
from shared.service.deps import Deps
from shared.service.dispatch import on_object_finalized
from shared.service.upload_checks import FinalizedObject

log = logging.getLogger(__name__)

FINALIZED = "google.cloud.storage.object.v1.finalized"


class StorageObjectData(BaseModel):
    """The part of the event's payload (a Cloud Storage object resource) used here."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    bucket: str
    name: str
    generation: int
    size: int = Field(ge=0)
    content_type: str | None = Field(default=None, alias="contentType")


class StorageTrigger:
    def __init__(self, deps: Deps, uploads_bucket: str) -> None:
        self._deps = deps
        self._uploads_bucket = uploads_bucket

    def handle(self, event: CloudEvent) -> None:
        event_id, event_type = event["id"], event["type"]
        if event_type != FINALIZED:
            log.warning("ignored event %s of type %s", event_id, event_type)
            return
        data = StorageObjectData.model_validate(event.get_data())
        if data.bucket != self._uploads_bucket:
            log.warning("ignored event %s for bucket %s", event_id, data.bucket)
            return
        obj = FinalizedObject(data.bucket, data.name, data.generation, data.size)
        try:
            outcome = on_object_finalized(self._deps, obj)
        except AppError as error:
            if error.transient:
                raise
            outcome = f"dropped: {error.code}"
        log.info("event %s for %s: %s", event_id, data.name, outcome)
