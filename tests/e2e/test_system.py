"""The whole local system: signed upload -> notification -> bridge -> trigger -> tasks ->
worker -> completed job, with duplicate events, redelivered tasks, faults and bad input."""

from __future__ import annotations

import json
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from infra.api_client import ApiClient, ApiError
from infra.local_stack import LocalStack
from shared.domain.sentences import Note
from shared.service.uploads import object_name_for
from tests.books.builder import Book, Chapter, corpus_names, load_text, not_a_pdf, render_pdf
from tests.books.house_styles import PRINTED_STYLES
from tests.e2e.conftest import CHUNK_MAX_ATTEMPTS, engine_sentences

pytestmark = pytest.mark.stack

Faults = Callable[[str, dict[str, object]], None]
Deliveries = Callable[[str], list[dict[str, object]]]


def upload(client: ApiClient, data: bytes, limit: int = 8) -> dict[str, Any]:
    created = client.create_upload("roman.pdf", len(data), limit)
    client.put_file(created, data)
    return created


def stored_object(stack: LocalStack, job_id: str) -> dict[str, Any]:
    name = urllib.parse.quote(object_name_for(job_id), safe="")
    response = requests.get(f"{stack.storage_url}/storage/v1/b/uploads/o/{name}", timeout=10)
    response.raise_for_status()
    return response.json()


def deliver_event_again(stack: LocalStack, job_id: str, event_id: str = "replayed-1") -> int:
    """POST the object's finalized event to the trigger, as an Eventarc redelivery would."""
    data = stored_object(stack, job_id)
    headers = {
        "ce-id": event_id,
        "ce-specversion": "1.0",
        "ce-type": "google.cloud.storage.object.v1.finalized",
        "ce-source": "//storage.googleapis.com/projects/_/buckets/uploads",
        "ce-subject": f"objects/{data['name']}",
        "content-type": "application/json",
    }
    url = stack.function_urls["on_pdf_uploaded"]
    return requests.post(url, data=json.dumps(data), headers=headers, timeout=60).status_code


def chunk_deliveries(deliveries: Deliveries, job_id: str) -> Counter[int]:
    return Counter(int(d["chunk"]) for d in deliveries(job_id) if d["kind"] == "chunk")  # type: ignore[call-overload]


def test_a_book_goes_through_the_system_whole_and_in_order(
    reader: ApiClient,
    sample_pdf: bytes,
    expected_sentences: list[dict[str, object]],
    deliveries: Deliveries,
) -> None:
    created = upload(reader, sample_pdf)
    assert created["job"]["status"] == "awaiting_upload"

    job = reader.wait(created["job_id"])

    assert job["status"] == "completed", job["error"]
    assert job["progress"] == {
        "page_count": 30,
        "pages_done": 30,
        "chunk_count": 5,
        "chunks_done": 5,
        "percent": 100.0,
    }
    assert job["counts"]["sentences"] == len(expected_sentences)
    assert list(reader.sentences(job["job_id"], page_size=100)) == expected_sentences
    assert chunk_deliveries(deliveries, job["job_id"]) == Counter(range(5))


def test_a_printed_edition_gives_the_local_commands_sentences_and_notes(
    reader: ApiClient,
) -> None:
    """Headers that change per chapter, notes, a table of contents, matter pages: the
    trigger learns them once from the whole book, and every chunk uses what it learned."""
    book = Book(
        "Premières pages",
        [
            Chapter(f"CHAPITRE {n}", load_text(name))
            for n, name in enumerate(corpus_names(), start=1)
        ],
    )
    data = render_pdf(book, PRINTED_STYLES["classic-symbols"]).pdf
    notes: list[Note] = []
    expected = engine_sentences(data, notes=notes)

    job = reader.wait(upload(reader, data)["job_id"])

    assert job["status"] == "completed", job["error"]
    assert job["progress"]["chunk_count"] > 2
    assert list(reader.sentences(job["job_id"])) == expected
    assert notes and list(reader.notes(job["job_id"], page_size=3)) == [n.to_dict() for n in notes]
    assert job["counts"]["not_prose"]["table_of_contents"] > 0


def test_duplicate_events_create_no_second_set_of_tasks(
    stack: LocalStack, reader: ApiClient, sample_pdf: bytes, deliveries: Deliveries
) -> None:
    created = upload(reader, sample_pdf)
    job_id = created["job_id"]
    # Redeliveries racing the bridge's own delivery of the same upload.
    with ThreadPoolExecutor(3) as pool:
        statuses = list(
            pool.map(lambda n: deliver_event_again(stack, job_id, f"dup-{n}"), range(3))
        )

    job = reader.wait(job_id)
    assert deliver_event_again(stack, job_id) == 200  # once more, after completion

    # A delivery may be asked to retry (503) while another enqueues; none fails otherwise.
    assert set(statuses) <= {200, 503}
    assert job["status"] == "completed"
    time.sleep(0.5)  # room for any stray task to arrive
    assert chunk_deliveries(deliveries, job_id) == Counter(range(5))
    assert reader.job(job_id) == job


def test_an_overwrite_during_processing_changes_nothing(
    stack: LocalStack,
    reader: ApiClient,
    sample_pdf: bytes,
    expected_sentences: list[dict[str, object]],
    deliveries: Deliveries,
) -> None:
    created = upload(reader, sample_pdf)
    job_id = created["job_id"]
    while reader.job(job_id)["status"] == "awaiting_upload":
        time.sleep(0.02)
    generation = stored_object(stack, job_id)["generation"]

    reader.put_file(created, not_a_pdf())  # the same signed URL, new content
    job = reader.wait(job_id)
    time.sleep(1.0)  # room for the overwrite's event to arrive

    assert stored_object(stack, job_id)["generation"] != generation
    assert job["status"] == "completed", job["error"]
    assert reader.job(job_id) == job
    assert list(reader.sentences(job_id)) == expected_sentences
    assert chunk_deliveries(deliveries, job_id) == Counter(range(5))


def test_a_redelivered_task_changes_nothing(
    stack: LocalStack, reader: ApiClient, sample_pdf: bytes
) -> None:
    job = reader.wait(upload(reader, sample_pdf)["job_id"])
    sentences = list(reader.sentences(job["job_id"]))
    generation = int(stored_object(stack, job["job_id"])["generation"])
    task = {
        "kind": "chunk",
        "job_id": job["job_id"],
        "generation": generation,
        "chunk": 2,
        "first_page": 13,
        "last_page": 18,
    }

    response = requests.post(
        stack.function_urls["run_task"],
        json=task,
        headers={"X-CloudTasks-QueueName": stack.queue_path("chunks")},
        timeout=60,
    )

    assert response.status_code == 200
    assert response.json()["outcome"].startswith("ignored")
    assert reader.job(job["job_id"]) == job
    assert list(reader.sentences(job["job_id"])) == sentences


def test_worker_failures_mid_book_are_retried_with_nothing_lost_or_doubled(
    reader: ApiClient,
    sample_pdf: bytes,
    expected_sentences: list[dict[str, object]],
    plan_faults: Faults,
    deliveries: Deliveries,
) -> None:
    created = reader.create_upload("roman.pdf", len(sample_pdf), 8)
    job_id = created["job_id"]
    # Chunk 1 crashes before its work twice; chunk 3's answer is lost after its work.
    plan_faults(job_id, {"read_fails": {"1": 2}, "answer_lost": [3]})
    reader.put_file(created, sample_pdf)

    job = reader.wait(job_id)

    assert job["status"] == "completed", job["error"]
    assert list(reader.sentences(job_id)) == expected_sentences
    assert chunk_deliveries(deliveries, job_id) == Counter({0: 1, 1: 3, 2: 1, 3: 2, 4: 1})


def test_a_chunk_that_keeps_failing_fails_the_job_with_a_code(
    reader: ApiClient, sample_pdf: bytes, plan_faults: Faults, deliveries: Deliveries
) -> None:
    created = reader.create_upload("roman.pdf", len(sample_pdf), 8)
    plan_faults(created["job_id"], {"read_fails": {"0": 99}})
    reader.put_file(created, sample_pdf)

    job = reader.wait(created["job_id"])

    assert job["status"] == "failed"
    assert job["error"]["code"] == "CHUNK_FAILED"
    assert chunk_deliveries(deliveries, created["job_id"])[0] == CHUNK_MAX_ATTEMPTS


def test_a_file_that_is_no_pdf_fails_its_job(reader: ApiClient) -> None:
    job = reader.wait(upload(reader, not_a_pdf())["job_id"])

    assert job["status"] == "failed"
    assert job["error"]["code"] == "NOT_A_PDF"
    with pytest.raises(ApiError) as error:
        list(reader.sentences(job["job_id"]))
    assert (error.value.status, error.value.code) == (409, "JOB_NOT_COMPLETED")


def test_the_multipart_upload_of_the_old_api_gives_the_same_result(
    reader: ApiClient, sample_pdf: bytes, expected_sentences: list[dict[str, object]]
) -> None:
    response = reader.request(
        "POST",
        "/process-pdf",
        files={"pdf_file": ("roman.pdf", sample_pdf, "application/pdf")},
        data={"sentence_length_limit": "8"},
    )

    assert response.status_code == 202, response.text
    job = reader.wait(response.json()["job_id"])
    assert job["status"] == "completed"
    assert list(reader.sentences(job["job_id"])) == expected_sentences


def test_another_users_job_is_not_found_and_no_token_is_refused(
    reader: ApiClient, client_for: Callable[[str], ApiClient], api_url: str, sample_pdf: bytes
) -> None:
    job_id = reader.create_upload("roman.pdf", len(sample_pdf), 8)["job_id"]
    intruder = client_for("reader-two")

    for method, path in [
        ("GET", f"/jobs/{job_id}"),
        ("GET", f"/jobs/{job_id}/sentences"),
        ("POST", f"/jobs/{job_id}/cancel"),
    ]:
        answer = intruder.request(method, path)
        assert (answer.status_code, answer.json()["error"]["code"]) == (404, "JOB_NOT_FOUND")
        assert ApiClient(api_url, None).request(method, path).status_code == 401
        assert ApiClient(api_url, "not-a-token").request(method, path).status_code == 401
    assert reader.job(job_id)["status"] == "awaiting_upload"


def test_a_job_cancelled_before_its_upload_stays_cancelled(
    reader: ApiClient, sample_pdf: bytes, deliveries: Deliveries
) -> None:
    created = reader.create_upload("roman.pdf", len(sample_pdf), 8)
    cancelled = reader.call("POST", f"/jobs/{created['job_id']}/cancel")

    reader.put_file(created, sample_pdf)
    time.sleep(1.5)

    assert cancelled["status"] == "cancelled"
    assert reader.job(created["job_id"])["status"] == "cancelled"
    assert not chunk_deliveries(deliveries, created["job_id"])


def test_the_worker_refuses_callers_other_than_cloud_tasks(stack: LocalStack) -> None:
    task = {"kind": "expire_upload", "job_id": uuid.uuid4().hex}

    response = requests.post(stack.function_urls["run_task"], json=task, timeout=10)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "CALLER_FORBIDDEN"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"filename": "r.pdf", "size_bytes": 0}, 422, "VALIDATION_FAILED"),
        ({"filename": "r.pdf", "size_bytes": 60 * 1024 * 1024}, 413, "FILE_TOO_LARGE"),
        ({"filename": "r.pdf", "size_bytes": 10, "settings": {"sentence_length_limit": 2}}, 422,
         "VALIDATION_FAILED"),
        ({"filename": "../r.pdf", "size_bytes": 10}, 422, "VALIDATION_FAILED"),
        ({"size_bytes": 10, "extra": 1}, 422, "VALIDATION_FAILED"),
    ],
)  # fmt: skip
def test_a_bad_upload_request_gets_a_clear_error(
    reader: ApiClient, body: dict[str, object], status: int, code: str
) -> None:
    response = reader.request("POST", "/uploads", json=body)

    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["request_id"] == response.headers["X-Request-ID"]
