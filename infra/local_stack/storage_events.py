"""Turn a Cloud Storage Pub/Sub notification into the CloudEvent Eventarc would POST.

fake-gcs-server publishes notifications in the real GCS format: attributes
bucketId, objectId, objectGeneration, eventType, eventTime, payloadFormat, and
(for JSON_API_V1) the object resource as JSON data. Eventarc delivers
`google.cloud.storage.object.v1.*` events in binary mode: ce-* headers, and the
object resource as the JSON body.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

EVENT_TYPES = {
    "OBJECT_FINALIZE": "google.cloud.storage.object.v1.finalized",
    "OBJECT_DELETE": "google.cloud.storage.object.v1.deleted",
    "OBJECT_METADATA_UPDATE": "google.cloud.storage.object.v1.metadataUpdated",
    "OBJECT_ARCHIVE": "google.cloud.storage.object.v1.archived",
}


class UnsupportedNotification(ValueError):
    """The message is not a storage notification the bridge can translate."""


@dataclass(frozen=True)
class HttpCloudEvent:
    """A binary-mode CloudEvent: headers plus body, ready to POST."""

    headers: dict[str, str]
    body: bytes


def to_cloudevent(
    message_id: str, attributes: Mapping[str, str], data: bytes, publish_time: datetime
) -> HttpCloudEvent:
    """Map one notification; the Pub/Sub message id becomes the event id.

    A redelivered message keeps its id, so receivers see the same ce-id again,
    as they would from Eventarc.
    """
    notification = attributes.get("eventType", "")
    if notification not in EVENT_TYPES or "bucketId" not in attributes:
        raise UnsupportedNotification(f"not a storage notification: {dict(attributes)}")
    resource = _object_resource(attributes, data)
    bucket = attributes["bucketId"]
    headers = {
        "ce-id": message_id,
        "ce-specversion": "1.0",
        "ce-type": EVENT_TYPES[notification],
        "ce-source": f"//storage.googleapis.com/projects/_/buckets/{bucket}",
        "ce-subject": f"objects/{resource['name']}",
        "ce-time": attributes.get("eventTime") or publish_time.isoformat(),
        "ce-bucket": bucket,  # Eventarc's extension attribute for storage events
        "content-type": "application/json",
    }
    return HttpCloudEvent(headers=headers, body=json.dumps(resource).encode())


def _object_resource(attributes: Mapping[str, str], data: bytes) -> dict[str, Any]:
    resource: dict[str, Any] = {}
    if attributes.get("payloadFormat") == "JSON_API_V1" and data:
        try:
            resource = json.loads(data)
        except json.JSONDecodeError as error:
            raise UnsupportedNotification(f"object resource is not JSON: {data[:200]!r}") from error
    resource.setdefault("bucket", attributes["bucketId"])
    resource.setdefault("name", attributes.get("objectId", ""))
    resource.setdefault("generation", attributes.get("objectGeneration", ""))
    if attributes["eventType"] == "OBJECT_FINALIZE":
        # fake-gcs-server leaves it out; a just-written generation is always at 1.
        resource.setdefault("metageneration", "1")
    return resource
