"""What is known of a PDF without loading a PDF reader (the API checks uploads with it)."""

from __future__ import annotations

DEFAULT_MAX_PAGES = 2000
# The PDF header may follow some junk, but must come within the first kilobyte.
HEADER_SEARCH_BYTES = 1024


def looks_like_pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:HEADER_SEARCH_BYTES]
