"""Page layout cleaning: running headers and footers, page numbers, footnotes, headings.

Running lines are found by repetition, not by a fixed list: a line at the top or bottom
of a page whose shape (digits ignored) also stands at the edge of other pages nearby
is part of the page furniture. Pages stream through a small window, so a whole book is
never held in memory.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from shared.text.lines import (
    has_footnote_call,
    normalize_line,
    starts_with_footnote_mark,
    strip_footnote_calls,
)

# How many pages before and after a page are compared with it.
WINDOW = 3
# How many lines at each edge of a page may be running lines.
EDGE_LINES = 3
# Footnotes sit in the last lines of a page.
FOOTNOTE_ZONE = 8

_PAGE_NUMBER = re.compile(
    r"^(?:page\s+|p\.\s*)?[\s\-–—\[(]*(?:\d{1,4}|[ivxlcdm]{1,7})[\s\-–—\])]*$", re.IGNORECASE
)
_HEADING_WORDS = re.compile(
    r"^(?:Chapitre|Livre|Partie|Tome|Prologue|Épilogue|Préface|Avant-propos|Introduction|"
    r"Conclusion|(?:Première|Deuxième|Troisième|Quatrième|Cinquième|Seconde|Dernière) partie)"
    r"\b[^.,;:!?]*$"
)
_HEADING_MAX_WORDS = 6
_ROMAN_OR_NUMBER = re.compile(r"^(?:[IVXLCDM]{1,7}|\d{1,3})\.?$")


@dataclass(frozen=True, slots=True)
class RawPage:
    number: int  # 1-based
    text: str


@dataclass(slots=True)
class CleanPage:
    number: int
    lines: list[str]  # prose lines, in order
    headings: set[int] = field(default_factory=set)  # indexes of lines that are titles
    removed: list[str] = field(default_factory=list)  # furniture taken out (for stats/tests)


def signature(line: str) -> str:
    """The shape of a line: case, digits and roman page numbers ignored."""
    shape = re.sub(r"\d+", "#", line.lower())
    shape = re.sub(r"\b[ivxlcdm]{1,7}\b", "#", shape)
    return re.sub(r"[\W_]+", " ", shape).strip()


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line))


def is_heading(line: str) -> bool:
    """A chapter or part title standing on its own line."""
    words = line.split()
    if not words or len(words) > _HEADING_MAX_WORDS:
        return False
    if _ROMAN_OR_NUMBER.match(line):
        return True
    if _HEADING_WORDS.match(line):
        return True
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters) and line[-1] not in ",;-"


def _edge_signatures(lines: list[str]) -> set[str]:
    edges = lines[:EDGE_LINES] + lines[-EDGE_LINES:]
    return {signature(line) for line in edges if signature(line)}


class PageCleaner:
    """Streams raw pages in, clean pages out, looking `WINDOW` pages each way."""

    def __init__(self) -> None:
        self._heading_signatures: set[str] = set()
        # Running lines confirmed on some page: a later page where the window alone is
        # too thin to tell (around chapter openings) still recognises them.
        self._running_signatures: set[str] = set()

    def clean(self, pages: Iterable[RawPage]) -> Iterator[CleanPage]:
        window: deque[tuple[RawPage, list[str], set[str]]] = deque()
        position = 0  # index in `window` of the next page to emit
        for page in pages:
            lines = [line for line in map(normalize_line, page.text.splitlines()) if line]
            window.append((page, lines, _edge_signatures(lines)))
            if len(window) > 2 * WINDOW + 1:
                window.popleft()
                position -= 1
            if len(window) - position > WINDOW:
                yield self._clean_one(window, position)
                position += 1
        while position < len(window):
            yield self._clean_one(window, position)
            position += 1

    def _clean_one(self, window: deque[tuple[RawPage, list[str], set[str]]], at: int) -> CleanPage:
        page, lines, _ = window[at]
        others = [sigs for i, (_, _, sigs) in enumerate(window) if i != at]
        measure = max((len(line) for line in lines), default=0)

        def is_running(line: str) -> bool:
            if is_page_number(line):
                return True
            shape = signature(line)
            if not shape:
                return True
            if shape in self._heading_signatures or shape in self._running_signatures:
                return True
            # A short line without closing punctuation looks like a title: one repeat
            # is enough. Anything else needs two, so prose is never taken for furniture.
            title_like = len(line) < 0.7 * measure and not line.endswith((".", "!", "?", "…"))
            if sum(shape in sigs for sigs in others) >= (1 if title_like else 2):
                self._running_signatures.add(shape)
                return True
            return False

        removed: list[str] = []
        body = list(lines)
        for _ in range(EDGE_LINES):
            if body and is_running(body[0]):
                removed.append(body.pop(0))
        for _ in range(EDGE_LINES):
            if body and is_running(body[-1]):
                removed.append(body.pop())
        body, notes = _split_footnotes(body)
        removed.extend(notes)
        cleaned = CleanPage(
            page.number, [strip_footnote_calls(line) for line in body], removed=removed
        )
        for index, line in enumerate(cleaned.lines):
            if is_heading(line):
                cleaned.headings.add(index)
                self._heading_signatures.add(signature(line))
        return cleaned


def _split_footnotes(lines: list[str]) -> tuple[list[str], list[str]]:
    """Separate the notes at the foot of a page from its text, when the text calls one."""
    if not any(has_footnote_call(line) for line in lines):
        return lines, []
    for index in range(max(1, len(lines) - FOOTNOTE_ZONE), len(lines)):
        if starts_with_footnote_mark(lines[index]):
            return lines[:index], lines[index:]
    return lines, []
