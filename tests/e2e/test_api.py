"""The API around jobs on the local system: history, settings, me, rate limits, headers."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from infra.api_client import ApiClient, local_api_client
from infra.local_stack import LocalStack
from tests.books.builder import not_a_pdf
from tests.e2e.conftest import LIMITED_PROCESSING, LIMITED_READS, LIMITED_ROLE

pytestmark = pytest.mark.stack


@pytest.fixture
def fresh(client_for: Callable[[str], ApiClient]) -> ApiClient:
    """A user with no history."""
    return client_for(f"user-{uuid.uuid4().hex[:12]}")


@pytest.fixture
def limited(stack: LocalStack, api_url: str) -> ApiClient:
    """A user of the role with small quotas."""
    uid = f"limited-{uuid.uuid4().hex[:12]}"
    return local_api_client(stack, uid, role=LIMITED_ROLE)


def test_history_lists_newest_first_filters_and_pages(fresh: ApiClient, sample_pdf: bytes) -> None:
    created = [
        fresh.create_upload(f"livre-{n}.pdf", len(sample_pdf), 8)["job_id"] for n in range(3)
    ]
    fresh.call("POST", f"/jobs/{created[1]}/cancel")

    first = fresh.call("GET", "/jobs", params={"limit": 2})
    second = fresh.call("GET", "/jobs", params={"limit": 2, "cursor": first["next_cursor"]})
    cancelled = fresh.call("GET", "/jobs", params={"status": "cancelled"})

    listed = [job["job_id"] for job in first["jobs"] + second["jobs"]]
    assert listed == created[::-1] and second["next_cursor"] is None
    assert [job["job_id"] for job in cancelled["jobs"]] == [created[1]]


def test_a_deleted_job_is_gone_with_its_results(fresh: ApiClient, sample_pdf: bytes) -> None:
    created = fresh.create_upload("livre.pdf", len(sample_pdf), 8)
    fresh.put_file(created, sample_pdf)
    job = fresh.wait(created["job_id"])

    response = fresh.request("DELETE", f"/jobs/{job['job_id']}")

    assert response.status_code == 204
    assert fresh.request("GET", f"/jobs/{job['job_id']}").status_code == 404
    assert fresh.request("GET", f"/jobs/{job['job_id']}/sentences").status_code == 404
    assert fresh.call("GET", "/jobs")["jobs"] == []


def test_a_job_is_duplicated_with_new_settings_without_a_new_upload(
    fresh: ApiClient, sample_pdf: bytes
) -> None:
    created = fresh.create_upload("livre.pdf", len(sample_pdf), 8)
    fresh.put_file(created, sample_pdf)
    original = fresh.wait(created["job_id"])

    duplicate = fresh.call(
        "POST",
        f"/jobs/{original['job_id']}/duplicate",
        json={"settings": {"sentence_length_limit": 12}},
    )
    done = fresh.wait(duplicate["job_id"])

    assert done["status"] == "completed" and done["settings"]["sentence_length_limit"] == 12
    assert done["counts"]["source_sentences"] == original["counts"]["source_sentences"]
    assert done["counts"]["sentences"] < original["counts"]["sentences"]


def test_only_a_failed_job_with_its_pdf_can_be_retried(fresh: ApiClient, sample_pdf: bytes) -> None:
    completed = fresh.create_upload("livre.pdf", len(sample_pdf), 8)
    fresh.put_file(completed, sample_pdf)
    fresh.wait(completed["job_id"])
    refused = fresh.create_upload("pas-un-livre.pdf", 500, 8)
    fresh.put_file(refused, not_a_pdf())
    fresh.wait(refused["job_id"])

    not_failed = fresh.request("POST", f"/jobs/{completed['job_id']}/retry")
    gone = fresh.request("POST", f"/jobs/{refused['job_id']}/retry")

    assert not_failed.status_code == 409
    assert (gone.status_code, gone.json()["error"]["code"]) == (409, "UPLOAD_GONE")


def test_settings_are_saved_validated_and_used_for_new_jobs(
    fresh: ApiClient, sample_pdf: bytes
) -> None:
    assert fresh.call("GET", "/settings")["sentence_length_limit"] == 8
    saved = {
        "sentence_length_limit": 15,
        "engine": "offline",
        "keep_dialogue": True,
        "min_sentence_words": 2,
        "export_format": "xlsx",
        "export_columns": ["sentence", "page"],
    }

    assert fresh.call("PUT", "/settings", json=saved) == saved
    bad = fresh.request("PUT", "/settings", json={**saved, "sentence_length_limit": 99})
    body = {"filename": "livre.pdf", "size_bytes": len(sample_pdf)}
    created = fresh.call("POST", "/uploads", json=body)

    assert fresh.call("GET", "/settings") == saved
    assert bad.status_code == 422
    assert created["job"]["settings"]["sentence_length_limit"] == 15


def test_me_shows_the_role_and_usage(limited: ApiClient) -> None:
    me = limited.call("GET", "/me")

    assert me["role"] == LIMITED_ROLE
    reads = me["usage"]["reads"]
    assert (reads["limit"], reads["used"]) == (LIMITED_READS, 1)  # this very request
    assert me["usage"]["processing"]["remaining"] == LIMITED_PROCESSING


def test_concurrent_requests_past_the_quota_get_429_and_exactly_the_quota_passes(
    limited: ApiClient,
) -> None:
    with ThreadPoolExecutor(25) as pool:
        responses = list(pool.map(lambda _: limited.request("GET", "/jobs"), range(50)))

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: LIMITED_READS, 429: 50 - LIMITED_READS}
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    passed = next(r for r in responses if r.status_code == 200)
    assert passed.headers["X-RateLimit-Limit"] == str(LIMITED_READS)


def test_every_answer_carries_the_security_headers(fresh: ApiClient) -> None:
    for response in (fresh.request("GET", "/health"), fresh.request("GET", "/nowhere")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "max-age" in response.headers["Strict-Transport-Security"]
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_deep_health_checks_each_dependency(fresh: ApiClient) -> None:
    health = fresh.call("GET", "/health", params={"deep": "1"})

    assert health["status"] == "ok"
    assert {name: check["status"] for name, check in health["checks"].items()} == {
        "firestore": "ok",
        "storage": "ok",
        "tasks": "ok",
        "secret_manager": "skipped",
    }
