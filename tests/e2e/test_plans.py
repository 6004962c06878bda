"""Plans through the local system: a book over the plan's pages fails at the storage
trigger with nothing processed, and GET /me shows the plan."""

from __future__ import annotations

from typing import Any

import pytest

from infra.api_client import local_api_client
from infra.local_stack import LocalStack
from tests.e2e.conftest import LIMITED_PAGES, LIMITED_ROLE

pytestmark = pytest.mark.stack


def test_a_book_over_the_plans_pages_fails_at_the_trigger(
    stack: LocalStack, sample_pdf: bytes
) -> None:
    client = local_api_client(stack, "short-books", role=LIMITED_ROLE)
    me: dict[str, Any] = client.call("GET", "/me")
    assert (me["plan"]["name"], me["plan"]["pages_per_book"]) == (LIMITED_ROLE, LIMITED_PAGES)

    created = client.create_upload("roman.pdf", len(sample_pdf), 8)
    client.put_file(created, sample_pdf)
    job = client.wait(created["job_id"])

    assert job["status"] == "failed" and job["error"]["code"] == "PLAN_LIMIT_EXCEEDED"
    assert f"{LIMITED_PAGES} pages per book" in job["error"]["message"]
    assert job["progress"]["chunks_done"] == 0 and job["progress"]["chunk_count"] == 0
    assert client.call("GET", "/me")["plan"]["books_today"] == 1
