"""Usage analytics through the local system: a book completes, an admin reads what it
counted (as JSON and as CSV), and anyone else is refused."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable

import pytest

from infra.api_client import ApiClient, local_api_client
from infra.local_stack import LocalStack

pytestmark = pytest.mark.stack


def test_an_admin_reads_the_usage_of_a_completed_book(
    stack: LocalStack, client_for: Callable[[str], ApiClient], sample_pdf: bytes
) -> None:
    uid = f"usage-{uuid.uuid4().hex[:12]}"
    reader = client_for(uid)
    created = reader.create_upload("livre.pdf", len(sample_pdf), 8, engine="offline")
    reader.put_file(created, sample_pdf)
    job = reader.wait(created["job_id"], timeout=120)
    assert job["status"] == "completed"
    day = job["completed_at"][:10]  # the UTC day it ended, as the counters name it

    admin = local_api_client(stack, f"admin-{uuid.uuid4().hex[:8]}", role="admin")
    range_ = {"from": day, "to": day}
    report = admin.call("GET", "/admin/usage", params={**range_, "group_by": "user"})
    mine = {row["group"]: row["counts"] for row in report["rows"] if row["day"] == day}[uid]
    assert mine == {
        "books": 1,
        "completed": 1,
        "pages": job["progress"]["page_count"],
        "sentences": job["counts"]["sentences"],
    }
    assert report["totals"]["books"] >= 1  # other tests' books count too

    by_plan = admin.call("GET", "/admin/usage", params={**range_, "group_by": "plan"})
    free = {group["group"]: group["counts"] for group in by_plan["groups"]}["free"]
    assert free["books"] >= 1 and free["sentences"] >= job["counts"]["sentences"]

    download = admin.request("GET", "/admin/usage.csv", params={**range_, "group_by": "user"})
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in download.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    (row,) = [row for row in table if row["group"] == uid]
    assert (row["day"], row["books"], row["sentences"]) == (
        day, "1", str(job["counts"]["sentences"]),
    )  # fmt: skip

    for path in ("/admin/usage", "/admin/usage.csv"):
        refused = reader.request("GET", path, params=range_)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "ADMIN_ONLY"
