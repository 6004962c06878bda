"""Several PDFs at once make a batch: followed book by book, exported as one ZIP."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.books.builder import corpus_names, render_pdf, sample_book
from tests.browser.harness import AxeCheck, Screenshot, SignIn
from tests.browser.steps import BATCH_URL, SAMPLE_PDF, choose_files


def test_two_books_make_a_batch_followed_and_exported(
    page: Page,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    tmp_path: Path,
) -> None:
    second = tmp_path / "second-novel.pdf"
    second.write_bytes(render_pdf(sample_book(corpus_names()[1])).pdf)
    sign_in(page, user_email)

    choose_files(page, SAMPLE_PDF, second)
    expect(page.locator(".candidate").get_by_text("Sentences in the book")).to_have_count(2)
    page.get_by_role("button", name="Start processing 2 books").click()
    expect(page).to_have_url(BATCH_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^2 books, "))

    books = page.get_by_role("table", name="Books in this batch")
    expect(books.locator("tbody").get_by_role("row")).to_have_count(2)
    expect(page.get_by_text("Status: Completed", exact=True)).to_be_visible(timeout=60_000)
    for name in (SAMPLE_PDF.name, second.name):
        expect(books.get_by_role("row", name=re.compile(re.escape(name)))).to_contain_text(
            "Completed"
        )
    expect(page.get_by_role("progressbar", name="Pages processed")).to_have_attribute(
        "value", re.compile(r"^[1-9]\d*$")
    )
    axe_check(page, "batch")
    screenshot(page, "batch")

    # One ZIP of one CSV per book.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV files (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert download.value.suggested_filename.endswith(".zip")
    assert sorted(archive.namelist()) == ["sample-novel.csv", "second-novel.csv"]

    # A book of the batch opens as any book does.
    books.get_by_role("link", name=SAMPLE_PDF.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SAMPLE_PDF.name)

    page.get_by_role("link", name="Batches").click()
    listed = page.get_by_role("table", name="Your batches, newest first")
    expect(listed.locator("tbody").get_by_role("row")).to_have_count(1)
    expect(listed.locator("tbody").get_by_role("row")).to_contain_text("Completed")
    axe_check(page, "batches")
    screenshot(page, "batches")
