"""Typed errors of the text engine, each with a stable code clients can rely on."""

from __future__ import annotations


class TextEngineError(Exception):
    """Base class: `code` is stable and machine-readable, the message is for people."""

    code = "TEXT_ENGINE_ERROR"
    # Whether processing the same input again could succeed (a transient fault).
    retryable = False


class InvalidLimit(TextEngineError, ValueError):
    code = "INVALID_LIMIT"


class InvalidPageRange(TextEngineError, ValueError):
    code = "INVALID_PAGE_RANGE"


class PdfError(TextEngineError):
    """The uploaded file cannot be processed as a book."""


class NotAPdf(PdfError):
    code = "NOT_A_PDF"


class DamagedPdf(PdfError):
    code = "PDF_DAMAGED"


class EncryptedPdf(PdfError):
    code = "PDF_ENCRYPTED"


class NoTextLayer(PdfError):
    code = "PDF_NO_TEXT_LAYER"


class TooManyPages(PdfError):
    code = "PDF_TOO_MANY_PAGES"
