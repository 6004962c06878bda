"""Open a PDF safely and stream its pages' text, mapping every failure to a typed error."""

from __future__ import annotations

import io
import logging
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pypdfium2 as pdfium
from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from shared.domain.errors import DamagedPdf, EncryptedPdf, NotAPdf, TooManyPages, UnsupportedPdf
from shared.text.page_layout import PageLayout
from shared.text.pdf_basics import DEFAULT_MAX_PAGES, HEADER_SEARCH_BYTES, looks_like_pdf
from shared.text.pdfium_pages import close_document, open_document, read_layouts

_TRAILER_SEARCH_BYTES = 2048

# pypdf reports recoverable oddities of real-world files as warnings: keep them quiet.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(slots=True, weakref_slot=True)
class PdfBook:
    reader: PdfReader
    page_count: int
    # The same file opened by PDFium, which reads the pages' layout.
    document: pdfium.PdfDocument | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.document is not None:
            self._close_with_the_book(self.document)

    def page_layouts(self, first: int, last: int) -> Iterator[PageLayout]:
        """The layout of pages `first`..`last` (1-based, inclusive), one page at a time."""
        if self.document is None:
            out = io.BytesIO()
            PdfWriter(clone_from=self.reader).write(out)
            self.document = open_document(out.getvalue())
            self._close_with_the_book(self.document)
        return read_layouts(self.document, first, last)

    def _close_with_the_book(self, document: pdfium.PdfDocument) -> None:
        # Closed by us, holding PDFium's lock, rather than by the garbage collector in
        # whatever thread it happens to run.
        weakref.finalize(self, close_document, document)


def open_pdf(source: str | Path | bytes | BinaryIO, max_pages: int = DEFAULT_MAX_PAGES) -> PdfBook:
    """Check the file really is a readable, unlocked PDF within the page limit."""
    stream = _as_stream(source)
    head = stream.read(HEADER_SEARCH_BYTES)
    if not looks_like_pdf(head):
        raise NotAPdf("The file is not a PDF.")
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(max(0, size - _TRAILER_SEARCH_BYTES))
    if b"%%EOF" not in stream.read():
        raise DamagedPdf(
            "The PDF is incomplete: it ends before its end marker (truncated upload?)."
        )
    stream.seek(0)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            _unlock(reader)
        page_count = len(reader.pages)
    except EncryptedPdf:
        raise
    except FileNotDecryptedError as exc:
        raise EncryptedPdf("The PDF is protected by a password.") from exc
    except (NotImplementedError, DependencyError) as exc:  # e.g. certificate encryption
        raise UnsupportedPdf(
            "The PDF uses a feature (such as its kind of encryption) that cannot be read here;"
            " save it again as a plain PDF."
        ) from exc
    except Exception as exc:  # whatever else the file makes the parser do: a bad file
        raise DamagedPdf("The PDF is damaged and cannot be read.") from exc
    if page_count == 0:
        raise DamagedPdf("The PDF has no pages.")
    if page_count > max_pages:
        raise TooManyPages(f"The PDF has {page_count} pages; the limit is {max_pages}.")
    stream.seek(0)
    data = source if isinstance(source, str | Path | bytes) else stream.read()
    return PdfBook(reader, page_count, open_document(data))


def _unlock(reader: PdfReader) -> None:
    """Many books are encrypted with an empty user password: try it before giving up."""
    try:
        result = reader.decrypt("")
    except PdfReadError as exc:
        raise EncryptedPdf("The PDF is encrypted in a way that cannot be opened.") from exc
    if result == PasswordType.NOT_DECRYPTED:
        raise EncryptedPdf("The PDF is protected by a password; upload an unlocked copy.")


def _as_stream(source: str | Path | bytes | BinaryIO) -> BinaryIO:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | Path):
        return Path(source).open("rb")
    return source


def extract_pages(data: bytes, first: int, last: int) -> bytes:
    """Pages `first`..`last` (1-based, inclusive) of a PDF as a PDF of their own."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        _unlock(reader)
    writer = PdfWriter()
    for number in range(first, last + 1):
        writer.add_page(reader.pages[number - 1])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
