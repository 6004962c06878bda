"""Following a book: its upload byte by byte, its pages as they are processed; and
cancelling it, during the upload or while it runs."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.books.builder import novel, render_pdf
from tests.browser.harness import AxeCheck, Screenshot, SignIn
from tests.browser.steps import UserApi, job_id_of, start_book, wait_for_status

LONG_BOOK_PAGES = 600  # seconds of processing; within the free plan's 2 MB
UPLOAD_BYTES_PER_SECOND = 100_000  # a slow line: the upload lasts long enough to watch


@pytest.fixture(scope="module")
def long_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("books") / "long-novel.pdf"
    path.write_bytes(render_pdf(novel(LONG_BOOK_PAGES)).pdf)
    return path


def test_an_upload_shows_its_bytes_and_is_cancelled(
    page: Page,
    user_api: UserApi,
    long_book: Path,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
) -> None:
    sign_in(page, user_email)
    _slow_uploads(page, UPLOAD_BYTES_PER_SECOND)

    job_id = start_book(page, long_book)

    upload = page.get_by_role("progressbar", name="Upload")
    expect(upload).to_have_attribute("max", str(long_book.stat().st_size))
    first = _value_once_moving(upload)
    expect(page.get_by_text(re.compile(r"^[\d.,]+ (B|KB|MB) of 1\.8 MB \(\d+%\)$"))).to_be_visible()
    wait_for_status(page, "Waiting for the upload")
    axe_check(page, "job-uploading")
    screenshot(page, "job-uploading")
    expect(upload).not_to_have_attribute("value", first)  # still going

    page.get_by_role("button", name="Cancel processing").click()
    wait_for_status(page, "Cancelled")
    assert user_api.job(job_id)["status"] == "cancelled"
    stopped_at = upload.get_attribute("value")
    page.wait_for_timeout(500)
    assert upload.get_attribute("value") == stopped_at  # the upload itself was stopped

    # Nothing arrived, so there is nothing to start again from.
    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("alert").filter(has_text="no longer stored")).to_have_text(
        re.compile("^The PDF of this book is no longer stored. Upload it again.")
    )


def test_a_running_book_is_cancelled_and_retried(
    page: Page,
    user_api: UserApi,
    long_book: Path,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
) -> None:
    sign_in(page, user_email)
    job_id = start_book(page, long_book)

    # Cancelled as soon as it runs (seen from the API, faster than the page's polling).
    _wait_for(lambda: user_api.job(job_id)["status"] == "processing")
    page.get_by_role("button", name="Cancel processing").click()
    wait_for_status(page, "Cancelled")
    expect(page.get_by_text("Processing was cancelled.")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel processing")).to_have_count(0)
    cancelled = user_api.job(job_id)
    assert cancelled["status"] == "cancelled"
    assert cancelled["progress"]["pages_done"] < LONG_BOOK_PAGES
    axe_check(page, "job-cancelled")

    # Retry makes a new job over the stored PDF, no upload needed; its pages are counted.
    page.get_by_role("button", name="Retry").click()
    expect(page).not_to_have_url(re.compile(job_id))
    retried = job_id_of(page)
    wait_for_status(page, "Processing")
    expect(page.get_by_role("progressbar", name="Processing")).to_have_attribute(
        "max", str(LONG_BOOK_PAGES)
    )
    screenshot(page, "job-processing")
    page.get_by_role("button", name="Cancel processing").click()
    wait_for_status(page, "Cancelled")
    assert user_api.job(retried)["status"] == "cancelled"


def _slow_uploads(page: Page, bytes_per_second: int) -> None:
    """Chromium's own network throttling, for this page's requests."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def _value_once_moving(bar: Locator) -> str:
    """The progress bar's value once some bytes have gone, not all."""
    expect(bar).not_to_have_attribute("value", "0")
    value = bar.get_attribute("value") or ""
    assert 0 < float(value) < float(bar.get_attribute("max") or 0)
    return value


def _wait_for(condition: Callable[[], bool], timeout_seconds: float = 60) -> None:
    deadline = time.monotonic() + timeout_seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)
