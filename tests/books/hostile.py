"""A hostile corpus: files an attacker or a careless user uploads, each with the outcome
the system owes them (a failed job with a stable code, or a book read as text only).

Each case is a class of defect met before; add one for every new class. The files are
made here (raw PDF objects where no library writes them), deterministic, and small.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from tests.books.builder import (
    corpus_names,
    encrypted_pdf,
    many_pages_pdf,
    not_a_pdf,
    render_pdf,
    sample_book,
    scanned_pdf,
    truncated_pdf,
)

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
COMPLETED = "completed"


@dataclass(frozen=True)
class HostileFile:
    name: str
    make: Callable[[], bytes]
    outcome: str  # an error code the job fails with, or COMPLETED
    active_content: tuple[str, ...] = ()  # what a completed job records


@cache
def book_pdf() -> bytes:
    """A small real book (a few pages of the first corpus text)."""
    return render_pdf(sample_book(corpus_names()[0])).pdf


def raw_pdf(objects: Sequence[bytes], trailer: bytes = b"", header: bytes = b"%PDF-1.7\n") -> bytes:
    """A PDF of `objects` (numbered from 1, the first one the catalog) with a correct
    cross-reference table, whatever the objects say."""
    out = io.BytesIO()
    out.write(header + b"%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
_ID = b"/ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>] "


def one_page(content: bytes, page_extra: bytes = b"", catalog_extra: bytes = b"") -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog_extra,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> %s>>" % page_extra,
            _stream(content),
            _FONT,
        ]
    )


def two_words() -> bytes:
    return one_page(b"BT /F1 14 Tf 72 500 Td (Bonjour Madame) Tj ET")


def one_long_word_page() -> bytes:
    """A page of 300,000 accented letters and no space: results far over 1 MiB of text
    if the chunk stored its sentences by characters."""
    lines = [b"BT /F1 1 Tf 0.2 Tz 1 TL 2 590 Td"]
    lines += [b"(" + b"\xe9" * 1000 + b") '" for _ in range(300)]  # WinAnsi e-acute
    lines.append(b"ET")
    return one_page(b"\n".join(lines))


def certificate_encrypted() -> bytes:
    encrypt = b"<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /R 4 /Recipients [<00>] >>"
    return raw_pdf([*_plain_objects(), encrypt], b"/Encrypt 6 0 R " + _ID)


def newer_encryption_revision() -> bytes:
    encrypt = b"<< /Filter /Standard /V 6 /R 7 /Length 256 /O <00> /U <00> /P -4 >>"
    return raw_pdf([*_plain_objects(), encrypt], b"/Encrypt 6 0 R " + _ID)


def _plain_objects() -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(b"BT /F1 12 Tf 72 500 Td (Il pleut sur la ville depuis le matin.) Tj ET"),
        _FONT,
    ]


def deeply_nested_content() -> bytes:
    """A content stream nested 60,000 levels deep (recursion in a naive parser)."""
    return one_page(b"[" * 60_000 + b"]" * 60_000 + b"\nBT /F1 12 Tf 72 500 Td (Fin) Tj ET")


def deeply_nested_page() -> bytes:
    """A page dictionary nested 60,000 levels deep."""
    nested = b"<< /A " * 60_000 + b"1" + b" >>" * 60_000
    return one_page(b"BT /F1 12 Tf 72 500 Td (Fin) Tj ET", page_extra=b"/X " + nested + b" ")


def page_tree_loop() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] >>",
        ]
    )


def no_pages() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def absurd_page_count() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 999999999 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] >>",
        ]
    )


def decompression_bomb() -> bytes:
    """A 100 KB content stream that inflates to 100 MB of spaces."""
    inflated = zlib.compress(b" " * 100_000_000, 9)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R >>",
            _stream(inflated, b"/Filter /FlateDecode "),
        ]
    )


def huge_page() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400000 14400000] >>",
        ]
    )


def with_eicar() -> bytes:
    """A real book carrying the EICAR test file (as a comment any scanner sees)."""
    pdf = book_pdf()
    return pdf.replace(b"\n", b"\n%" + EICAR + b"\n", 1)


def garbage_after_header() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


def header_too_late() -> bytes:
    return b"x" * 2048 + book_pdf()


def without_end_marker() -> bytes:
    return book_pdf().rsplit(b"%%EOF", 1)[0]


def html_named_pdf() -> bytes:
    return b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def _with(change: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(book_pdf())))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_javascript() -> bytes:
    def change(writer: PdfWriter) -> None:
        script = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert(1);"),
            }
        )
        names = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("a"), writer._add_object(script)])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): names}
        )

    return _with(change)


def with_open_action() -> bytes:
    def change(writer: PdfWriter) -> None:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)

    return _with(change)


def with_launch_action() -> bytes:
    def change(writer: PdfWriter) -> None:
        launch = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([]),
                NameObject("/A"): DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/Launch"),
                        NameObject("/F"): TextStringObject("calc.exe"),
                    }
                ),
            }
        )
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(launch)])

    return _with(change)


def with_embedded_file() -> bytes:
    return _with(lambda writer: writer.add_attachment("notes.txt", b"une piece jointe"))


def with_xfa() -> bytes:
    def change(writer: PdfWriter) -> None:
        form = DictionaryObject({NameObject("/XFA"): TextStringObject("<xdp:xdp/>")})
        writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)

    return _with(change)


HOSTILE_FILES: tuple[HostileFile, ...] = (
    HostileFile("png-renamed", not_a_pdf, "NOT_A_PDF"),
    HostileFile("html-renamed", html_named_pdf, "NOT_A_PDF"),
    HostileFile("header-after-1-kb", header_too_late, "NOT_A_PDF"),
    HostileFile("random-bytes", garbage_after_header, "PDF_DAMAGED"),
    HostileFile("truncated", truncated_pdf, "PDF_DAMAGED"),
    HostileFile("no-end-marker", without_end_marker, "PDF_DAMAGED"),
    HostileFile("no-pages", no_pages, "PDF_DAMAGED"),
    HostileFile("page-tree-loop", page_tree_loop, "PDF_DAMAGED"),
    HostileFile("absurd-page-count", absurd_page_count, "PDF_NO_TEXT_LAYER"),
    HostileFile("password", encrypted_pdf, "PDF_ENCRYPTED"),
    HostileFile("certificate-encryption", certificate_encrypted, "PDF_UNSUPPORTED"),
    HostileFile("encryption-revision-7", newer_encryption_revision, "PDF_UNSUPPORTED"),
    HostileFile("nested-content-stream", deeply_nested_content, "PDF_TOO_LITTLE_TEXT"),
    HostileFile("nested-page-dictionary", deeply_nested_page, "PDF_TOO_LITTLE_TEXT"),
    HostileFile("decompression-bomb", decompression_bomb, "PDF_NO_TEXT_LAYER"),
    HostileFile("huge-page", huge_page, "PDF_NO_TEXT_LAYER"),
    HostileFile("scanned", scanned_pdf, "PDF_NO_TEXT_LAYER"),
    HostileFile("two-words", two_words, "PDF_TOO_LITTLE_TEXT"),
    HostileFile("too-many-pages", lambda: many_pages_pdf(2001), "PDF_TOO_MANY_PAGES"),
    HostileFile("eicar", with_eicar, "UPLOAD_INFECTED"),
    HostileFile("one-long-word-page", one_long_word_page, COMPLETED),
    HostileFile("javascript", with_javascript, COMPLETED, ("javascript",)),
    HostileFile("open-action", with_open_action, COMPLETED, ("javascript", "open_action")),
    HostileFile("launch-action", with_launch_action, COMPLETED, ("launch",)),
    HostileFile("embedded-file", with_embedded_file, COMPLETED, ("embedded_files",)),
    HostileFile("xfa-form", with_xfa, COMPLETED, ("xfa",)),
)
