"""Every kind of bad file gets its own error code and a message a person understands."""

from pathlib import Path

import pytest

from shared.domain.errors import (
    DamagedPdf,
    EncryptedPdf,
    InvalidLimit,
    InvalidPageRange,
    NotAPdf,
    NoTextLayer,
    TooManyPages,
)
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import process_pdf, source_sentences
from tests.books.builder import (
    encrypted_pdf,
    many_pages_pdf,
    not_a_pdf,
    owner_only_encrypted_pdf,
    scanned_pdf,
    truncated_pdf,
)


@pytest.mark.parametrize(
    ("make", "error", "code"),
    [
        (not_a_pdf, NotAPdf, "NOT_A_PDF"),
        (truncated_pdf, DamagedPdf, "PDF_DAMAGED"),
        (lambda: b"%PDF-1.7\n garbage garbage\n%%EOF\n", DamagedPdf, "PDF_DAMAGED"),
        (encrypted_pdf, EncryptedPdf, "PDF_ENCRYPTED"),
        (scanned_pdf, NoTextLayer, "PDF_NO_TEXT_LAYER"),
    ],
)
def test_bad_files_raise_typed_errors(make, error: type[Exception], code: str) -> None:
    with pytest.raises(error) as caught:
        list(process_pdf(make(), 8))
    assert caught.value.code == code
    assert str(caught.value)


def test_an_empty_user_password_is_tried_first() -> None:
    sentences = list(process_pdf(owner_only_encrypted_pdf(), 8))
    assert sentences


def test_the_page_limit_is_configurable() -> None:
    pdf = many_pages_pdf(12)
    with pytest.raises(TooManyPages, match="12 pages"):
        open_pdf(pdf, max_pages=10)
    assert open_pdf(pdf, max_pages=12).page_count == 12


@pytest.mark.parametrize("limit", [2, 51, 0])
def test_the_limit_must_be_between_3_and_50(limit: int, tmp_path: Path) -> None:
    with pytest.raises(InvalidLimit):
        next(process_pdf(many_pages_pdf(1), limit))


@pytest.mark.parametrize(("first", "last"), [(0, 2), (3, 2), (1, 13)])
def test_page_ranges_must_lie_inside_the_book(first: int, last: int) -> None:
    with pytest.raises(InvalidPageRange):
        next(source_sentences(open_pdf(many_pages_pdf(12)), first, last))
