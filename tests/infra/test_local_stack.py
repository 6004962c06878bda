"""The session stack, checked with the real google-cloud-* clients."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore, storage, tasks_v2
from google.oauth2 import service_account
from scenario_records import Records

from infra.local_stack import LocalStack
from infra.local_stack.clients import cloud_tasks_client
from shared.adapters.signing import throwaway_service_account

pytestmark = pytest.mark.stack

PROJECT = "demo-fnt"
PDF = b"%PDF-1.4\n% a tiny stand-in for a novel\n"


@pytest.fixture
def gcs(stack_env: dict[str, str]) -> storage.Client:
    return storage.Client(project=PROJECT, credentials=AnonymousCredentials())


def _unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex}.pdf"


def _throwaway_signer() -> service_account.Credentials:
    return service_account.Credentials.from_service_account_info(
        throwaway_service_account(f"signer@{PROJECT}.iam.gserviceaccount.com")
    )


def test_firestore_write_then_read(stack: LocalStack, stack_env: dict[str, str]) -> None:
    db = firestore.Client(project=PROJECT, credentials=AnonymousCredentials())
    job = db.collection("jobs").document(uuid.uuid4().hex)

    job.set({"status": "queued", "progress": 0})
    job.update({"progress": firestore.Increment(3)})

    assert job.get().to_dict() == {"status": "queued", "progress": 3}
    stack.reset_firestore()
    assert not job.get().exists


def test_upload_with_the_storage_client(gcs: storage.Client) -> None:
    blob = gcs.bucket("uploads").blob(_unique("client/"))

    blob.upload_from_string(PDF, content_type="application/pdf")

    assert blob.download_as_bytes() == PDF
    assert gcs.bucket("uploads").get_blob(blob.name).content_type == "application/pdf"


def _signed_put(blob: storage.Blob, max_bytes: int) -> requests.Response:
    """PUT the sample PDF through a V4 signed URL limited to `max_bytes`."""
    length_range = {"x-goog-content-length-range": f"0,{max_bytes}"}
    url = blob.generate_signed_url(
        version="v4",
        expiration=datetime.timedelta(minutes=15),
        method="PUT",
        content_type="application/pdf",
        headers=length_range,
        credentials=_throwaway_signer(),
    )
    return requests.put(
        url, data=PDF, headers={"content-type": "application/pdf", **length_range}, timeout=10
    )


def test_signed_v4_put_url_accepts_the_upload(gcs: storage.Client) -> None:
    blob = gcs.bucket("uploads").blob(_unique("signed/"))

    response = _signed_put(blob, 50 * 1024 * 1024)

    assert response.status_code == 200, response.text
    uploaded = gcs.bucket("uploads").get_blob(blob.name)
    assert (uploaded.size, uploaded.content_type) == (len(PDF), "application/pdf")


def test_fake_gcs_does_not_enforce_the_signed_length_range(gcs: storage.Client) -> None:
    """An emulator gap to remember: real GCS answers 400 here, so the product's
    storage trigger must check the object size itself to be testable locally."""
    blob = gcs.bucket("uploads").blob(_unique("signed/"))

    response = _signed_put(blob, 10)

    assert response.status_code == 200


def test_upload_is_delivered_as_a_storage_cloudevent(gcs: storage.Client, records: Records) -> None:
    name = _unique("books/")
    gcs.bucket("uploads").blob(name).upload_from_string(PDF, content_type="application/pdf")

    [event] = records.wait_for("events", lambda r: r["attributes"]["subject"] == f"objects/{name}")

    attributes, data = event["attributes"], event["data"]
    assert attributes["type"] == "google.cloud.storage.object.v1.finalized"
    assert attributes["source"] == "//storage.googleapis.com/projects/_/buckets/uploads"
    assert attributes["specversion"] == "1.0"
    assert attributes["bucket"] == "uploads"
    assert attributes["id"] and attributes["time"]
    assert data["bucket"] == "uploads"
    assert data["name"] == name
    assert data["contentType"] == "application/pdf"
    assert data["size"] == str(len(PDF))
    assert data["generation"] and data["metageneration"] == "1" and data["md5Hash"]


def test_a_failed_delivery_is_delivered_again(
    stack: LocalStack, gcs: storage.Client, records: Records
) -> None:
    name = _unique("fail-once/")
    gcs.bucket("uploads").blob(name).upload_from_string(PDF, content_type="application/pdf")

    first, second = records.wait_for(
        "events", lambda r: r["attributes"]["subject"] == f"objects/{name}", count=2
    )

    assert first["attributes"]["id"] == second["attributes"]["id"]
    bridge_log = (stack.config.log_dir / "event-bridge.log").read_text()
    assert f"objects/{name} (id {first['attributes']['id']}, attempt 1) answered 500" in bridge_log


def _create_task(stack: LocalStack, path: str, headers: dict[str, str], body: bytes) -> None:
    cloud_tasks_client(stack.tasks_host).create_task(
        parent=stack.queue_path("chunks"),
        task=tasks_v2.Task(
            http_request=tasks_v2.HttpRequest(
                http_method=tasks_v2.HttpMethod.POST,
                url=f"{stack.function_urls['tasks']}{path}",
                headers=headers,
                body=body,
            )
        ),
    )


def test_cloud_task_is_dispatched_with_its_body_and_headers(
    stack: LocalStack, records: Records
) -> None:
    job_id = uuid.uuid4().hex
    body = {"job": job_id, "chunk": 3}

    _create_task(
        stack,
        f"/chunks?job={job_id}",
        {"Content-Type": "application/json", "X-Job-Id": job_id},
        json.dumps(body).encode(),
    )

    [task] = records.wait_for("tasks", lambda r: r["headers"].get("X-Job-Id") == job_id)
    assert task["method"] == "POST"
    assert task["path"] == f"/chunks?job={job_id}"
    assert json.loads(task["body"]) == body
    assert task["headers"]["Content-Type"] == "application/json"
    # The emulator sends the queue's full path where Cloud Tasks sends its short id.
    assert task["headers"]["X-Cloudtasks-Queuename"] == stack.queue_path("chunks")
    assert task["headers"]["X-Cloudtasks-Taskname"]


def test_a_failed_task_is_retried(stack: LocalStack, records: Records) -> None:
    job_id = uuid.uuid4().hex

    _create_task(stack, "/chunks", {"X-Job-Id": job_id, "X-Fail-Once": "yes"}, b"{}")

    attempts = records.wait_for("tasks", lambda r: r["headers"].get("X-Job-Id") == job_id, 2)
    retry_counts = sorted(a["headers"]["X-Cloudtasks-Taskretrycount"] for a in attempts)
    assert retry_counts == ["0", "1"]
