"""Files that cannot become a book say why on the upload page, before any job is made."""

from __future__ import annotations

import math
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.harness import AxeCheck, PageWatch, Screenshot, SignIn
from tests.browser.steps import SAMPLE_PDF, UserApi, choose_files, start_processing

FREE_PLAN_MB = 2  # the browser stack's free plan (tests/browser/conftest.py)
MEBIBYTE = 1024 * 1024  # the plan's "MB", as the API counts them


def test_what_is_not_a_pdf_or_is_too_large_is_refused_with_a_reason(
    page: Page,
    user_api: UserApi,
    user_email: str,
    sign_in: SignIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    tmp_path: Path,
) -> None:
    picture = tmp_path / "cover.pdf"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))  # named .pdf, not one
    text = tmp_path / "notes.txt"
    text.write_text("Longtemps, je me suis couché de bonne heure.\n", encoding="utf-8")
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)  # a PDF's header, no PDF
    large = tmp_path / "large.pdf"  # a real PDF, padded past the plan's size
    large.write_bytes(SAMPLE_PDF.read_bytes() + b"\n%" + b"x" * 3_000_000)
    sign_in(page, user_email)

    choose_files(page, picture, damaged, large)
    _drop(page, text)  # dropped on the page rather than chosen

    files = page.get_by_role("region", name="Files")
    expect(files.get_by_role("alert").filter(has_text="cover.pdf")).to_have_text(
        "cover.pdf: This file is not a PDF."
    )
    expect(files.get_by_role("alert").filter(has_text="notes.txt")).to_have_text(
        "notes.txt: This file is not a PDF."
    )
    expect(files.get_by_role("alert").filter(has_text="large.pdf")).to_have_text(
        f"large.pdf: Your plan (free) allows files up to {FREE_PLAN_MB} MB;"
        f" this one is {math.ceil(large.stat().st_size / MEBIBYTE)} MB."
    )
    # The API itself reads the damaged one when asked for its estimate.
    expect(
        files.get_by_role("listitem").filter(has_text="damaged.pdf").get_by_role("alert")
    ).to_contain_text("This PDF is damaged and cannot be read.")
    axe_check(page, "upload-refused")
    screenshot(page, "upload-refused")

    start_processing(page)
    expect(page.get_by_text("Choose at least one PDF file that can be processed.")).to_be_visible()
    assert user_api.call("GET", "/jobs")["jobs"] == []

    # Removing the refused files and adding a good one makes a job of that one only.
    for name in ("cover.pdf", "notes.txt", "damaged.pdf", "large.pdf"):
        page.get_by_role("button", name=f"Remove {name}").click()
    choose_files(page, SAMPLE_PDF)
    expect(files.get_by_text("Sentences in the book")).to_be_visible()
    start_processing(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(SAMPLE_PDF.name)
    assert [job["filename"] for job in user_api.call("GET", "/jobs")["jobs"]] == [SAMPLE_PDF.name]


def test_a_lost_connection_says_so_and_the_estimate_is_tried_again(
    page: Page,
    page_watch: PageWatch,
    user_email: str,
    sign_in: SignIn,
) -> None:
    sign_in(page, user_email)
    page_watch.allow(r"net::ERR_FAILED")  # the failure this test makes on purpose
    page.route("**/api/v1/estimate", lambda route: route.abort("failed"))

    choose_files(page, SAMPLE_PDF)
    alert = page.get_by_role("region", name="Files").get_by_role("alert")
    expect(alert).to_contain_text(
        "The service could not be reached. Check your connection and try again."
    )

    page.unroute("**/api/v1/estimate")
    alert.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("Sentences in the book")).to_be_visible()
    expect(alert).to_have_count(0)


def _drop(page: Page, path: Path) -> None:
    """A file dropped on the drop zone, as a drag from the desktop delivers it."""
    files = page.evaluate_handle(
        """([name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, { type: "text/plain" }));
            return transfer;
        }""",
        [path.name, path.read_text(encoding="utf-8")],
    )
    page.locator(".dropzone").dispatch_event("drop", {"dataTransfer": files})
