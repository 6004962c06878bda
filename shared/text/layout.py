"""One page's prose, told from everything else printed on it, by where and how it is set.

With the book's profile (its prose block and type size), a page's lines fall into:
running headers and folios (above or below the prose block), notes (smaller type at
the block's foot, opening on a mark), headings (larger, or centred, or shaped like
"CHAPITRE III"), and prose. Whole pages of front matter, back matter or a table of
contents go at once. Each page is cleaned on its own: the same page gives the same
lines whichever page range it is read in.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.domain.sentences import Note
from shared.text.book_profile import BookProfile
from shared.text.lexicon import frequency
from shared.text.lines import normalize_line, note_mark, strip_note_calls
from shared.text.page_layout import Line, PageLayout

_PAGE_NUMBER = re.compile(
    r"^(?:page\s+|p\.\s*)?[\s\-–—\[(]*(?:\d{1,4}|[ivxlcdm]{1,7})[\s\-–—\])]*$", re.IGNORECASE
)
# A folio beside a running header: arabic, or lower-case roman ("CHAPITRE II" is a title).
_FOLIO_AT_EDGE = re.compile(
    r"^[\s\-–—]*(?:\d{1,4}|[ivxlcdm]{1,7})[\s\-–—]+(?=\S)|"
    r"(?<=\S)[\s\-–—]+(?:\d{1,4}|[ivxlcdm]{1,7})[\s\-–—]*$"
)
_HEADING_WORDS = re.compile(
    r"^(?:Chapitre|CHAPITRE|Livre|LIVRE|Partie|PARTIE|Tome|TOME|Prologue|PROLOGUE|Épilogue|"
    r"ÉPILOGUE|Préface|PRÉFACE|Avant-propos|Introduction|Conclusion|"
    r"(?:Première|Deuxième|Troisième|Quatrième|Cinquième|Seconde|Dernière) partie)"
    r"\b[^.,;:!?]*$"
)
_HEADING_MAX_WORDS = 12
_ROMAN_OR_NUMBER = re.compile(r"^(?:[IVXLCDM]{1,7}|\d{1,3})\.?$")
# Sizes compare as shares of the prose's size; positions as shares of the line pitch.
_SAME_SIZE = 0.08
HEADING_SIZE = 1.12
_NOTE_SIZE = 0.92
_BAND_ABOVE = 0.5
_BAND_BELOW = 0.9
_NOTE_GAP = 1.4
_SHORT_LINE = 0.25  # of the measure left empty at a line's end
_ENDNOTES_MIN = 2
_ENDNOTES_SHARE = 0.3
_ELIDED = frozenset("l d j m n s t c qu lorsqu puisqu jusqu quoiqu presqu".split())


@dataclass(slots=True)
class CleanPage:
    number: int
    lines: list[str] = field(default_factory=list)  # prose lines and headings, in order
    headings: set[int] = field(default_factory=set)  # indexes of lines that are titles
    starts: set[int] = field(default_factory=set)  # lines that open a paragraph (indented)
    short: set[int] = field(default_factory=set)  # lines ending well short of the measure
    removed: Counter[str] = field(default_factory=Counter)  # what is not prose, by kind
    notes: list[Note] = field(default_factory=list)


def signature(line: str) -> str:
    """The shape of a line: case, digits and roman page numbers ignored."""
    shape = re.sub(r"\d+", "#", line.lower())
    shape = re.sub(r"\b[ivxlcdm]{1,7}\b", "#", shape)
    return re.sub(r"[\W_]+", " ", shape).strip()


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line))


def is_heading(line: str) -> bool:
    """A chapter or part title by its words alone."""
    words = line.split()
    if not words or len(words) > 6:
        return False
    if _ROMAN_OR_NUMBER.match(line) or _HEADING_WORDS.match(line):
        return True
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters) and line[-1] not in ",;-"


def is_prose_size(line: Line, profile: BookProfile) -> bool:
    return abs(line.size - profile.body_size) <= _SAME_SIZE * profile.body_size


def in_top_band(line: Line, profile: BookProfile) -> bool:
    return line.baseline > profile.body_top + _BAND_ABOVE * profile.line_pitch


def in_bottom_band(line: Line, profile: BookProfile) -> bool:
    return line.baseline < profile.body_bottom - _BAND_BELOW * profile.line_pitch


def is_full_prose_line(line: Line, profile: BookProfile, page: int) -> bool:
    measure = profile.right_edge(page) - profile.left_edge(page)
    return is_prose_size(line, profile) and line.x1 - line.x0 >= 0.8 * measure


class PageCleaner:
    def __init__(self, profile: BookProfile) -> None:
        self.profile = profile

    def clean(self, page: PageLayout) -> CleanPage:
        cleaned = CleanPage(page.number)
        kind = self.profile.page_kind(page.number)
        if kind == "notes":
            body = self._without_furniture(list(page.lines), page.number, cleaned.removed)
            cleaned.notes.extend(_notes(body, page.number))
            cleaned.removed["notes"] += len(cleaned.notes)
        elif kind:
            cleaned.removed[kind] += len(page.lines)
        else:
            body = self._without_furniture(list(page.lines), page.number, cleaned.removed)
            body = self._without_notes(body, page.number, cleaned)
            self._read_body(body, page.number, cleaned)
        return cleaned

    def _without_furniture(self, lines: list[Line], page: int, removed: Counter[str]) -> list[Line]:
        """The page without its running lines: what stands above or below the prose
        block (notes aside), or repeats at page edges throughout the book."""
        profile = self.profile
        body = [line for line in lines if not self._is_banded(line, page, in_top_band)]
        for line in lines[: len(lines)]:
            if line not in body:
                _count_furniture(line.text, "headers", removed)
        while body and is_page_number(body[-1].text):
            _count_furniture(body.pop().text, "footers", removed)
        notes = _note_zone_start(body, profile)
        footers = [line for line in body[:notes] if self._is_banded(line, page, in_bottom_band)]
        for line in footers:
            _count_furniture(line.text, "footers", removed)
        body = [line for line in body if line not in footers]
        for edge in (0, -1):  # books whose running lines stand within the prose block
            if body and (
                is_page_number(body[edge].text)
                or signature(body[edge].text) in profile.running_lines
            ):
                _count_furniture(body.pop(edge).text, "headers", removed)
        return body

    def _is_banded(self, line: Line, page: int, band: Callable[[Line, BookProfile], bool]) -> bool:
        return band(line, self.profile) and not is_full_prose_line(line, self.profile, page)

    def _without_notes(self, lines: list[Line], page: int, cleaned: CleanPage) -> list[Line]:
        start = _note_zone_start(lines, self.profile)
        if start == len(lines):
            return lines
        cleaned.notes.extend(_notes(lines[start:], page))
        cleaned.removed["notes"] += len(cleaned.notes)
        return lines[:start]

    def _read_body(self, lines: list[Line], page: int, cleaned: CleanPage) -> None:
        profile = self.profile
        left, right = profile.left_edge(page), profile.right_edge(page)
        measure = right - left
        beside_cap: float | None = None
        for line in lines:
            if self._is_heading(line, left, right):
                cleaned.headings.add(len(cleaned.lines))
                cleaned.lines.append(normalize_line(line.text))
                cleaned.removed["headings"] += 1
                beside_cap = None
                continue
            text, calls = strip_note_calls(normalize_line(_with_drop_cap(line)))
            if calls or line.calls:
                cleaned.removed["note_calls"] += calls + len(line.calls)
            if not text:
                continue
            index = len(cleaned.lines)
            indented = profile.indent > 0 and line.x0 >= left + 0.5 * profile.indent
            if line.drop_cap:
                cleaned.starts.add(index)
                beside_cap = line.x0
            elif beside_cap is not None and abs(line.x0 - beside_cap) < 1.0:
                pass  # a line beside a drop cap
            else:
                beside_cap = None
                if indented:
                    cleaned.starts.add(index)
            if line.x1 < right - _SHORT_LINE * measure:
                cleaned.short.add(index)
            cleaned.lines.append(text)

    def _is_heading(self, line: Line, left: float, right: float) -> bool:
        profile = self.profile
        words = len(line.text.split())
        if words > _HEADING_MAX_WORDS or line.drop_cap:
            return False
        if line.size >= HEADING_SIZE * profile.body_size:
            return True
        measure = right - left
        centred = (
            line.x0 > left + 0.1 * measure
            and line.x1 < right - 0.1 * measure
            and abs(line.centre - (left + right) / 2) < 0.06 * measure
        )
        return centred or (line.x1 < right - _SHORT_LINE * measure and is_heading(line.text))


def is_notes_page(page: PageLayout) -> bool:
    """A page of endnotes: most of its lines open on a note's mark."""
    marked = sum(note_mark(normalize_line(line.text)) is not None for line in page.lines)
    return marked >= _ENDNOTES_MIN and marked >= _ENDNOTES_SHARE * len(page.lines)


def _note_zone_start(lines: list[Line], profile: BookProfile) -> int:
    """Where the notes at the foot of the page start (`len(lines)` without notes): a run
    of smaller type reaching the foot, opening on a note's mark or after a gap."""
    start = len(lines)
    while start > 0 and lines[start - 1].size < _NOTE_SIZE * profile.body_size:
        start -= 1
    if start == len(lines):
        return start
    gap = lines[start - 1].baseline - lines[start].baseline if start else 0.0
    if note_mark(lines[start].text) is None and gap < _NOTE_GAP * profile.line_pitch:
        return len(lines)
    return start


def _count_furniture(text: str, kind: str, removed: Counter[str]) -> None:
    rest, folios = _FOLIO_AT_EDGE.subn(" ", f" {text} ")
    if is_page_number(text):
        removed["folios"] += 1
    elif any(ch.isalpha() for ch in rest):
        removed["folios"] += folios
        removed[kind] += 1
    else:
        removed["folios"] += max(1, folios)


def _notes(zone: list[Line], page: int) -> list[Note]:
    notes: list[Note] = []
    number, parts = "", list[str]()
    for line in zone:
        text = normalize_line(line.text)
        mark = note_mark(text)
        if mark is not None:
            if parts:
                notes.append(Note(number, _join_note(parts), page))
            number, parts = mark[0], [mark[1]]
        else:
            parts.append(text)
    if parts:
        notes.append(Note(number, _join_note(parts), page))
    return notes


def _join_note(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        if text.endswith("-") and text[-2:-1].isalpha() and part[:1].islower():
            text = text[:-1] + part
        else:
            text = f"{text} {part}"
    return text


def _with_drop_cap(line: Line) -> str:
    """The line with its drop cap: glued to the word it opens, or a word of its own
    ("Ô choses", "À l'un", but "Longtemps", "L'homme")."""
    cap = line.drop_cap
    if not cap:
        return line.text
    first = line.text.split(" ", 1)[0].replace("’", "'")
    letters = "".join(ch for ch in first if ch.isalpha() or ch == "'")
    glued = bool(letters) and (_is_word(cap + letters) or not frequency(cap.lower()))
    return cap + ("" if glued else " ") + line.text


def _is_word(text: str) -> bool:
    head, apostrophe, tail = text.lower().partition("'")
    if apostrophe:
        return head in _ELIDED and frequency(tail) > 0
    return frequency(head) > 0
