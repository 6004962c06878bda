"""What a PDF holds besides text that a reader could run or open: scripts, actions that
fire on opening or on a page, launch actions, embedded files, XFA forms.

The engine only ever extracts text, so none of it runs here; the storage trigger records
what it found, and a setting refuses such files outright.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

log = logging.getLogger(__name__)

JAVASCRIPT = "javascript"
OPEN_ACTION = "open_action"
AUTOMATIC_ACTIONS = "automatic_actions"  # /AA: on opening, closing, showing a page...
LAUNCH = "launch"
EMBEDDED_FILES = "embedded_files"
XFA = "xfa"

_ACTION_KINDS = {"/JavaScript": JAVASCRIPT, "/Launch": LAUNCH}


def find_active_content(reader: PdfReader) -> tuple[str, ...]:
    """The kinds of active content in the document, sorted (empty for a plain book)."""
    found: set[str] = set()
    try:
        found.update(_in_catalog(_dict(reader.trailer.get("/Root"))))
        for page in reader.pages:
            found.update(_in_page(page))
    except Exception as error:  # a malformed structure hides nothing we could run
        log.warning("active content: stopped at a malformed object: %s", type(error).__name__)
    return tuple(sorted(found))


def _in_catalog(root: DictionaryObject) -> Iterator[str]:
    opening = _dict(root.get("/OpenAction"))  # an array there only opens at a page
    if opening:
        yield OPEN_ACTION
        yield from _actions(opening)
    if "/AA" in root:
        yield AUTOMATIC_ACTIONS
    names = _dict(root.get("/Names"))
    if "/JavaScript" in names:
        yield JAVASCRIPT
    if "/EmbeddedFiles" in names:
        yield EMBEDDED_FILES
    if "/XFA" in _dict(root.get("/AcroForm")):
        yield XFA


def _in_page(page: DictionaryObject) -> Iterator[str]:
    if "/AA" in page:
        yield AUTOMATIC_ACTIONS
    for annotation in _list(page.get("/Annots")):
        annotation = _dict(annotation)
        if annotation.get("/Subtype") == "/FileAttachment":
            yield EMBEDDED_FILES
        if "/AA" in annotation:
            yield AUTOMATIC_ACTIONS
        yield from _actions(annotation.get("/A"))


def _actions(action: Any) -> Iterator[str]:
    """An action's kind, and those of the actions it chains (/Next), if they can run."""
    seen = 0
    pending = [action]
    while pending and seen < 64:  # chains are short; a loop or a bomb is cut off
        current = _dict(pending.pop())
        seen += 1
        kind = _ACTION_KINDS.get(str(current.get("/S")))
        if kind:
            yield kind
        following = current.get("/Next")
        if following is not None:
            pending.extend(_list(following) or [following])


def _dict(value: Any) -> DictionaryObject:
    resolved = value.get_object() if hasattr(value, "get_object") else value
    return resolved if isinstance(resolved, DictionaryObject) else DictionaryObject()


def _list(value: Any) -> list[Any]:
    resolved = value.get_object() if hasattr(value, "get_object") else value
    return list(resolved) if isinstance(resolved, list) else []
