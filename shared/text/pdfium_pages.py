"""Each page's glyphs and their boxes, read with PDFium (pypdfium2).

pypdf opens and checks the file; PDFium reads the glyphs, several times faster than
pypdf's text extraction, with each glyph's box (so its size whatever the text matrix).
PDFium joins a word hyphenated at a line end and marks the hyphen U+FFFE: it is put
back as a hyphen, since the engine decides itself whether the word was broken.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from shared.domain.errors import DamagedPdf
from shared.text.glyphs import (
    GENERATED_SPACE,
    NO_SPACE,
    PRINTED_SPACE,
    Glyph,
    build_lines,
)
from shared.text.page_layout import PageLayout

_LINE_END_HYPHEN = "\ufffe"
# PDFium is not thread-safe, not even across documents: a function instance serving
# several requests at once must make one call into it at a time.
PDFIUM = threading.RLock()


def open_document(source: str | Path | bytes) -> pdfium.PdfDocument:
    with PDFIUM:
        try:
            return pdfium.PdfDocument(source)
        except pdfium.PdfiumError as exc:
            raise DamagedPdf("The PDF is damaged and cannot be read.") from exc


def close_document(document: pdfium.PdfDocument) -> None:
    with PDFIUM:
        document.close()


def read_layouts(document: pdfium.PdfDocument, first: int, last: int) -> Iterator[PageLayout]:
    """The layout of pages `first`..`last` (1-based, inclusive), one page at a time."""
    for number in range(first, last + 1):
        try:
            width, height, glyphs = _read_page(document, number)
            lines, size = build_lines(glyphs)
        except Exception as exc:  # whatever a malformed page makes the reader do
            raise DamagedPdf(f"Page {number} of the PDF is damaged and cannot be read.") from exc
        yield PageLayout(number, width, height, tuple(lines), size)


def _read_page(document: pdfium.PdfDocument, number: int) -> tuple[float, float, list[Glyph]]:
    with PDFIUM:
        page = document[number - 1]
        try:
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                return width, height, _glyphs(textpage)
            finally:
                textpage.close()
        finally:
            page.close()


def _glyphs(textpage: pdfium.PdfTextPage) -> list[Glyph]:
    count = textpage.count_chars()
    if count <= 0:
        return []
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # characters beyond the BMP: read them one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i)) for i in range(count))
    box = pdfium_c.FS_RECTF()
    box_ref = ctypes.byref(box)
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    handle = textpage.raw
    is_generated = pdfium_c.FPDFText_IsGenerated
    glyphs: list[Glyph] = []
    space = NO_SPACE
    for index, char in enumerate(text):
        if char.isspace():
            if space != PRINTED_SPACE:
                space = GENERATED_SPACE if is_generated(handle, index) else PRINTED_SPACE
            continue
        if not get_box(handle, index, box_ref):
            continue
        if char == _LINE_END_HYPHEN:
            char = "-"
        glyphs.append((char, box.left, box.right, box.bottom, box.top, space))
        space = NO_SPACE
    return glyphs
