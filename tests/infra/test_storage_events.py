"""The notification -> CloudEvent mapping of the event bridge, without any process."""

import json
from datetime import UTC, datetime

import pytest

from infra.local_stack.storage_events import UnsupportedNotification, to_cloudevent

PUBLISHED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
# What fake-gcs-server publishes for an upload (captured from a real run).
ATTRIBUTES = {
    "bucketId": "uploads",
    "objectId": "books/été 1.pdf",
    "payloadFormat": "JSON_API_V1",
    "eventTime": "2026-01-02T03:04:05Z",
    "eventType": "OBJECT_FINALIZE",
    "objectGeneration": "1795776389928000",
}
RESOURCE = {
    "kind": "storage#object",
    "id": "uploads/books/été 1.pdf#1795776389928000",
    "name": "books/été 1.pdf",
    "bucket": "uploads",
    "generation": "1795776389928000",
    "contentType": "application/pdf",
    "timeCreated": "2026-01-02T03:04:05.927983Z",
    "updated": "2026-01-02T03:04:05.927989Z",
    "storageClass": "STANDARD",
    "size": "14",
    "md5Hash": "GDsUip2ulKeESoNRsfwtWQ==",
    "crc32c": "ClTgZQ==",
}


def test_finalize_becomes_a_binary_mode_storage_cloudevent() -> None:
    event = to_cloudevent("42", ATTRIBUTES, json.dumps(RESOURCE).encode(), PUBLISHED)

    assert event.headers == {
        "ce-id": "42",
        "ce-specversion": "1.0",
        "ce-type": "google.cloud.storage.object.v1.finalized",
        "ce-source": "//storage.googleapis.com/projects/_/buckets/uploads",
        "ce-subject": "objects/books/été 1.pdf",
        "ce-time": "2026-01-02T03:04:05Z",
        "ce-bucket": "uploads",
        "content-type": "application/json",
    }
    assert json.loads(event.body) == {**RESOURCE, "metageneration": "1"}


def test_without_a_json_payload_the_body_comes_from_the_attributes() -> None:
    attributes = {**ATTRIBUTES, "payloadFormat": "NONE"}
    del attributes["eventTime"]

    event = to_cloudevent("7", attributes, b"", PUBLISHED)

    assert json.loads(event.body) == {
        "bucket": "uploads",
        "name": "books/été 1.pdf",
        "generation": "1795776389928000",
        "metageneration": "1",
    }
    assert event.headers["ce-time"] == PUBLISHED.isoformat()


@pytest.mark.parametrize(
    "attributes",
    [{}, {**ATTRIBUTES, "eventType": "OBJECT_SHREDDED"}, {"eventType": "OBJECT_FINALIZE"}],
)
def test_other_messages_are_rejected(attributes: dict[str, str]) -> None:
    with pytest.raises(UnsupportedNotification):
        to_cloudevent("1", attributes, b"{}", PUBLISHED)


def test_a_payload_that_is_not_json_is_rejected() -> None:
    with pytest.raises(UnsupportedNotification):
        to_cloudevent("1", ATTRIBUTES, b"<xml/>", PUBLISHED)
