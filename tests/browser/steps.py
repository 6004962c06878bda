"""Steps the browser scenarios share: the app's controls by their accessible names, and
the API asked directly, as the page's signed-in user, what the page should show."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Page, Request, expect

from infra.local_stack.paths import REPO_ROOT

SAMPLE_PDF = REPO_ROOT / "samples" / "sample-novel.pdf"
ENDED = frozenset({"completed", "failed", "cancelled"})
JOB_URL = re.compile(r"/jobs/([0-9a-f]{32})$")
BATCH_URL = re.compile(r"/batches/([0-9a-f]{32})$")
# What signing in finds in the app, by role and accessible name (the app is built to match).
EMAIL_FIELD = "Email"  # page.get_by_label
SEND_LINK_BUTTON = "Send sign-in link"  # page.get_by_role("button", name=...)
SIGNED_IN_BUTTON = "Sign out"  # visible once signed in


@dataclass
class UserApi:
    """The API with the bearer token the page itself sends (seen on its requests)."""

    base: str  # http://127.0.0.1:PORT/api/v1
    tokens: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> UserApi:
        page.on("request", self._seen)
        return self

    def _seen(self, request: Request) -> None:
        header = request.headers.get("authorization", "")
        if request.url.startswith(self.base) and header.startswith("Bearer "):
            self.tokens.append(header.removeprefix("Bearer "))

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        if not self.tokens:
            raise AssertionError("the page has made no signed API request yet")
        answer = requests.request(
            method,
            f"{self.base}{path}",
            headers={"Authorization": f"Bearer {self.tokens[-1]}"},
            timeout=30,
            **kwargs,
        )
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def job(self, job_id: str) -> dict[str, Any]:
        job: dict[str, Any] = self.call("GET", f"/jobs/{job_id}")
        return job

    def sentences(self, job_id: str, **params: Any) -> list[dict[str, Any]]:
        """Every sentence of the job (or those the query keeps), in book order."""
        found: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self.call(
                "GET",
                f"/jobs/{job_id}/sentences",
                params={"limit": 1000, **params, **({"cursor": cursor} if cursor else {})},
            )
            found += page["sentences"]
            cursor = page["next_cursor"]
            if not cursor:
                return found

    def wait_until_ended(self, job_id: str, timeout_seconds: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if job["status"] in ENDED:
                return job
            time.sleep(0.5)
        raise AssertionError(f"job {job_id} did not end within {timeout_seconds:.0f} s")

    def upload(self, filename: str, data: bytes, settings: dict[str, Any] | None = None) -> str:
        """A job made and its file PUT as the app does it, without the page."""
        body: dict[str, Any] = {"filename": filename, "size_bytes": len(data)}
        if settings:
            body["settings"] = settings
        created = self.call("POST", "/uploads", json=body)
        target = created["upload"]
        put = requests.request(
            target["method"], target["url"], data=data, headers=target["headers"], timeout=30
        )
        put.raise_for_status()
        job_id: str = created["job_id"]
        return job_id


def send_sign_in_link(page: Page, app_url: str, email: str) -> None:
    """Asks the app for a sign-in link to `email`; returns once Firebase has answered.

    Opened sooner, the link's page may not yet see what the app stored before asking
    (the address the link is for).
    """
    page.goto(app_url)
    page.get_by_label(EMAIL_FIELD).fill(email)
    with page.expect_response(lambda answer: "accounts:sendOobCode" in answer.url):
        page.get_by_role("button", name=SEND_LINK_BUTTON).click()


def choose_files(page: Page, *paths: Path) -> None:
    page.get_by_label("Choose PDF files").set_input_files(list(paths))


def start_processing(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Start processing")).click()


def start_book(page: Page, path: Path) -> str:
    """The book chosen and started on the upload page: its job's id, once the job shows."""
    choose_files(page, path)
    start_processing(page)
    return job_id_of(page)


def job_id_of(page: Page) -> str:
    expect(page).to_have_url(JOB_URL)
    match = JOB_URL.search(page.url)
    assert match
    return match.group(1)


def wait_for_status(page: Page, status: str, timeout_ms: float = 60_000) -> None:
    expect(page.get_by_text(f"Status: {status}", exact=True)).to_be_visible(timeout=timeout_ms)
