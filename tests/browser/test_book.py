"""A book from the upload page to its sentences, its notes and a CSV file: what the page
shows is what the API answers for the job."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.harness import AxeCheck, Screenshot, SignIn
from tests.browser.steps import (
    SAMPLE_PDF,
    UserApi,
    choose_files,
    job_id_of,
    start_processing,
    wait_for_status,
)

READER_PAGE = 100  # sentences the reader shows at once


def test_a_book_is_uploaded_read_searched_and_exported(
    page: Page,
    user_api: UserApi,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    tmp_path: Path,
) -> None:
    sign_in(page, user_email)
    axe_check(page, "upload")

    choose_files(page, SAMPLE_PDF)
    estimate = page.locator(".candidate")
    expect(estimate.get_by_text("Sentences in the book")).to_be_visible()
    expect(estimate.get_by_text("Sentences over 8 words")).to_be_visible()
    axe_check(page, "upload-estimate")
    screenshot(page, "upload-estimate")
    start_processing(page)

    job_id = job_id_of(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(SAMPLE_PDF.name)
    upload = page.get_by_role("progressbar", name="Upload")
    expect(upload).to_have_attribute("value", str(SAMPLE_PDF.stat().st_size))
    expect(page.get_by_text("Upload complete")).to_be_visible()
    wait_for_status(page, "Completed")
    job = user_api.job(job_id)
    sentences = user_api.sentences(job_id)
    assert job["counts"]["sentences"] == len(sentences) > READER_PAGE
    expect(page.get_by_text(f"{len(sentences):,} sentences from")).to_be_visible()

    # The reader's first page is the book's first sentences, in order.
    listed = page.get_by_role("list", name="Sentences")
    expect(listed.locator(".sentence-text")).to_have_text(
        [s["text"] for s in sentences[:READER_PAGE]]
    )
    expect(page.get_by_text(f"Sentences 1 to {READER_PAGE}")).to_be_visible()

    # A split sentence shows the book's sentence it came from, on demand.
    split = next(s for s in sentences[:READER_PAGE] if s["original"])
    toggle = page.get_by_role(
        "button", name=f"Original of sentence {split['index'] + 1}", exact=True
    )
    original = page.locator(f"#{toggle.get_attribute('aria-controls')}")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(original).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(original).to_be_visible()
    expect(original).to_have_text(split["original"])
    axe_check(page, "reader")
    screenshot(page, "reader")

    # The next page goes on where the first ended.
    page.get_by_role("button", name="Next sentences").click()
    expect(listed.locator(".sentence-text").first).to_have_text(sentences[READER_PAGE]["text"])
    page.get_by_role("button", name="Previous sentences").click()
    expect(listed.locator(".sentence-text").first).to_have_text(sentences[0]["text"])

    # A search covers the whole book, as the API's own search does.
    word = _a_word_from_late_in_the_book(sentences)
    expected = user_api.sentences(job_id, q=word)
    assert 0 < len(expected) < len(sentences)
    page.get_by_role("searchbox", name="Search this book").fill(word)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name=f"Sentences containing “{word}”")).to_be_visible()
    results = page.get_by_role("list", name=re.compile("Sentences containing"))
    expect(results.locator(".sentence-text")).to_have_text(
        [s["text"] for s in expected[:READER_PAGE]]
    )
    screenshot(page, "reader-search")

    # The notes, apart from the sentences.
    notes = user_api.call("GET", f"/jobs/{job_id}/notes")["notes"]
    page.get_by_role("link", name="Notes").click()
    expect(page).to_have_url(re.compile(f"/jobs/{job_id}/notes$"))
    expect(page.get_by_role("list", name="Notes").get_by_role("listitem")).to_have_count(len(notes))
    axe_check(page, "notes")
    screenshot(page, "notes")
    page.reload()  # each screen has its own address
    expect(page.get_by_role("heading", name="Notes")).to_be_visible()

    # A CSV file, downloaded: its rows are the job's sentences.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "sample-novel.csv"
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["#", "Phrase", "Page"]
    assert [row[1] for row in rows[1:]] == [s["text"] for s in sentences]
    assert [int(row[2]) for row in rows[1:]] == [s["page"] for s in sentences]
    expect(page.get_by_text("Downloaded sample-novel.csv.")).to_be_attached()


def _a_word_from_late_in_the_book(sentences: list[dict[str, Any]]) -> str:
    """A long word of a sentence past the reader's first page that few sentences share."""
    late = sentences[len(sentences) * 2 // 3]["text"]
    words = re.findall(r"\w{7,}", late)
    return max(words, key=len)
