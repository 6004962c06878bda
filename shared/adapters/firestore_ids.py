"""Document ids made from what callers send (a Firebase uid is any string of up to 128
characters: it can hold "/", be "..", or look like "__x__", none of which Firestore
takes as an id)."""

from __future__ import annotations

import hashlib
import re

_PLAIN = re.compile(r"[A-Za-z0-9_.:@-]{1,256}")


def document_id(text: str) -> str:
    """`text` as it is when it is a plain, valid id (readable in the console), else its
    SHA-256 behind a "~" (never in a plain id, so the two never meet)."""
    reserved = text in (".", "..") or (text.startswith("__") and text.endswith("__"))
    if _PLAIN.fullmatch(text) and not reserved:
        return text
    return "~" + hashlib.sha256(text.encode()).hexdigest()
