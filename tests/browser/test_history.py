"""The history of a reader's books: filtered by status, a cancelled book retried, a
completed one processed again with new settings, a failed one deleted after asking."""

from __future__ import annotations

import re
import time

import requests
from playwright.sync_api import Locator, Page, expect

from tests.books.builder import not_a_pdf, novel, render_pdf
from tests.browser.harness import AxeCheck, Screenshot, SignIn
from tests.browser.steps import SAMPLE_PDF, UserApi, job_id_of, wait_for_status

LONG_BOOK_PAGES = 400


def test_history_filters_retries_duplicates_and_deletes(
    page: Page,
    user_api: UserApi,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
) -> None:
    sign_in(page, user_email)
    completed = user_api.upload(SAMPLE_PDF.name, SAMPLE_PDF.read_bytes())
    failed = user_api.upload("cover.pdf", not_a_pdf())
    cancelled = _cancelled_while_running(user_api, render_pdf(novel(LONG_BOOK_PAGES)).pdf)
    assert user_api.wait_until_ended(completed)["status"] == "completed"
    assert user_api.wait_until_ended(failed)["status"] == "failed"

    page.get_by_role("link", name="History").click()
    table = page.get_by_role("table", name="Your books, newest first")
    expect(_rows(table)).to_have_count(3)
    expect(_row(table, "cover.pdf")).to_contain_text("Failed")
    expect(_row(table, "long-novel.pdf")).to_contain_text("Cancelled")
    expect(_row(table, SAMPLE_PDF.name)).to_contain_text("Completed")
    axe_check(page, "history")
    screenshot(page, "history")

    # The status filter asks the API for those books only.
    status = page.get_by_label("Status")
    status.select_option(label="Failed")
    expect(_rows(table)).to_have_count(1)
    expect(_row(table, "cover.pdf")).to_be_visible()
    status.select_option(label="Completed")
    expect(_rows(table)).to_have_count(1)
    expect(_row(table, SAMPLE_PDF.name)).to_be_visible()

    # A failed book says why.
    status.select_option(label="Failed")
    _row(table, "cover.pdf").get_by_role("link", name="cover.pdf").click()
    expect(page.get_by_role("alert")).to_have_text("This file is not a PDF.")
    page.go_back()

    # Retry: a new job over the cancelled book's stored PDF.
    status.select_option(label="Cancelled")
    _row(table, "long-novel.pdf").get_by_role("button", name="Retry").click()
    expect(page).not_to_have_url(re.compile("/history"))
    retried = job_id_of(page)
    assert retried != cancelled
    expect(page.get_by_role("heading", level=1)).to_have_text("long-novel.pdf")
    user_api.call("POST", f"/jobs/{retried}/cancel")  # its pages are not needed

    # Duplicate: the completed book again, with sentences of at most 12 words.
    page.get_by_role("link", name="History").click()
    page.get_by_label("Status").select_option(label="Completed")
    _row(table, SAMPLE_PDF.name).get_by_role("button", name="Duplicate").click()
    dialog = page.get_by_role("dialog", name="Process again with new settings")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Sentence length (words)")).to_have_value("8")
    dialog.get_by_label("Sentence length (words)").fill("12")
    axe_check(page, "history-duplicate")
    dialog.get_by_role("button", name="Start").click()
    copy = job_id_of(page)
    assert copy != completed
    wait_for_status(page, "Completed")
    assert user_api.job(copy)["settings"]["sentence_length_limit"] == 12
    assert max(s["word_count"] for s in user_api.sentences(copy)) <= 12

    # Delete asks first; keeping the book changes nothing.
    page.get_by_role("link", name="History").click()
    page.get_by_label("Status").select_option(label="Failed")
    _row(table, "cover.pdf").get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete this book?")
    expect(dialog).to_contain_text("“cover.pdf”, its sentences and its PDF will be deleted.")
    axe_check(page, "history-delete")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(_row(table, "cover.pdf")).to_be_visible()
    _row(table, "cover.pdf").get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Delete for good").click()
    expect(page.get_by_text("No books here yet.")).to_be_visible()
    with_token = {"Authorization": f"Bearer {user_api.tokens[-1]}"}
    gone = requests.get(f"{user_api.base}/jobs/{failed}", headers=with_token, timeout=10)
    assert gone.status_code == 404


def _rows(table: Locator) -> Locator:
    return table.locator("tbody").get_by_role("row")


def _row(table: Locator, filename: str) -> Locator:
    return _rows(table).filter(has=table.page.get_by_role("link", name=filename, exact=True))


def _cancelled_while_running(api: UserApi, pdf: bytes) -> str:
    """A job cancelled once its PDF was accepted (so a retry has it), before it ends."""
    job_id = api.upload("long-novel.pdf", pdf)
    deadline = time.monotonic() + 60
    while api.job(job_id)["status"] not in ("queued", "processing"):
        assert time.monotonic() < deadline, "the book was never queued"
        time.sleep(0.05)
    api.call("POST", f"/jobs/{job_id}/cancel")
    return job_id
