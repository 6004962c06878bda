"""Learn a book's profile in one pass over its pages.

The prose's type size, line pitch and block come from the most common values over the
whole book, so chapter openings, short pages and notes do not sway them. Pages before
the first page of prose are front matter, pages after the last are back matter, and
pages made of lines ending (or opening) on page numbers are tables of contents, and
pages of lines opening on note marks are endnotes, wherever they stand. Lines that
repeat at the edges of many pages are running lines. Then every line-end break is
judged by how the book spells the word elsewhere.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from shared.text.book_profile import BookProfile, HyphenDecisions, PageSpan
from shared.text.hyphens import (
    SOFT_HYPHEN,
    break_key,
    is_broken,
    rule_keeps_hyphen,
    vocabulary_keeps_hyphen,
)
from shared.text.layout import (
    HEADING_SIZE,
    CleanPage,
    PageCleaner,
    in_bottom_band,
    in_top_band,
    is_heading,
    is_notes_page,
    is_prose_size,
    signature,
)
from shared.text.lines import note_mark
from shared.text.page_layout import Line, PageLayout

if TYPE_CHECKING:  # PDF readers load with the first book, not with every import of the text layer
    from shared.text.pdf_source import PdfBook

ProgressCallback = Callable[[int, int], None]

_TOC_LINE = re.compile(r"(?:[.·…_]\s?){3,}\s*\d{1,4}$|\S\s+\d{1,4}$|^\d{1,4}\s+\D")
_LEGAL_LINE = re.compile(
    r"isbn|dépôt légal|achevé d'imprimer|imprimé en|imprimerie|tous droits|©|n° d'édition",
    re.IGNORECASE,
)
_TOC_MIN_LINES = 3
_TOC_TITLE = re.compile(r"^(?:table des matières|table|sommaire|matières)$", re.IGNORECASE)
_TOC_SHARE = 0.5
_RUNNING_MIN_PAGES = 3
_COMMON_SHARE = 0.05
_RUNNING_MAX_WORDS = 8
_TERMINAL = (".", "!", "?", "…", "»", ":", ";", ",")
_TOKEN_EDGES = '«»“”"()[]{}.,;:!?…*—–-'


def read_pages(book: PdfBook, on_page: ProgressCallback | None = None) -> list[PageLayout]:
    pages: list[PageLayout] = []
    for page in book.page_layouts(1, book.page_count):
        pages.append(page)
        if on_page:
            on_page(page.number, book.page_count)
    return pages


def learn_book(book: PdfBook, on_page: ProgressCallback | None = None) -> BookProfile:
    """The book's profile, from one reading of every page."""
    profile, _ = learn_pages(read_pages(book, on_page))
    return profile


def learn_pages(pages: Sequence[PageLayout]) -> tuple[BookProfile, list[CleanPage]]:
    """The profile of a whole book's pages, and those pages cleaned with it."""
    draft = _measure(pages)
    draft = replace(draft, matter=_matter(pages, draft), running_lines=_running(pages, draft))
    cleaner = PageCleaner(draft)
    cleaned = [cleaner.clean(page) for page in pages]
    return replace(draft, hyphens=_hyphen_decisions(cleaned)), cleaned


def _mode(values: Counter[float], default: float) -> float:
    if not values:
        return default
    return min(values.items(), key=lambda item: (-item[1], item[0]))[0]


def _measure(pages: Sequence[PageLayout]) -> BookProfile:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size, 1)] += len(line.text)
    body_size = _mode(sizes, 10.0)
    draft = BookProfile(len(pages), body_size, 1.2 * body_size, (0.0, 0.0), (0.0, 0.0), 0, 0, 0)
    prose = [[line for line in page.lines if is_prose_size(line, draft)] for page in pages]
    pitches: Counter[float] = Counter(
        round(above.baseline - below.baseline, 1)
        for lines in prose
        for above, below in itertools.pairwise(lines)
        if 0.9 * body_size <= above.baseline - below.baseline <= 2.5 * body_size
    )
    pitch = _mode(pitches, 1.2 * body_size)
    lefts: tuple[Counter[float], Counter[float]] = (Counter(), Counter())
    rights: tuple[Counter[float], Counter[float]] = (Counter(), Counter())
    tops: Counter[float] = Counter()
    bottoms: Counter[float] = Counter()
    for page, lines in zip(pages, prose, strict=True):
        for line in lines:
            if len(line.text.split()) >= 3:
                lefts[page.number % 2][round(line.x0)] += 1
                rights[page.number % 2][round(line.x1)] += 1
        block = _block(lines, pitch)
        if block:
            tops[round(block[0], 1)] += 1
            bottoms[round(block[1], 1)] += 1
    left = tuple(_mode(counts, 0.0) for counts in lefts)
    right = tuple(_mode(counts, 0.0) for counts in rights)
    indents: Counter[float] = Counter(
        round(line.x0 - left[page.number % 2])
        for page, lines in zip(pages, prose, strict=True)
        for line in lines
        if 1.0 <= line.x0 - left[page.number % 2] <= 4 * body_size
    )
    all_lines = sum(len(lines) for lines in prose)
    indent = _mode(indents, 0.0) if sum(indents.values()) >= 0.03 * all_lines else 0.0
    top_default = max((line.baseline for page in pages for line in page.lines), default=0.0)
    draft = replace(
        draft,
        line_pitch=pitch,
        left_edges=(left[0], left[1]),
        right_edges=(right[0], right[1]),
        indent=indent,
    )
    # A sentence's line set where prose starts reaches as high or as low as the block.
    sentences = [
        round(line.baseline, 1)
        for page, lines in zip(pages, prose, strict=True)
        for line in lines
        if _is_prose_line(line, page.number, draft) and any(ch.islower() for ch in line.text)
    ]
    return replace(
        draft,
        body_top=max([_common_extreme(tops, max, top_default), *sentences]),
        body_bottom=min([_common_extreme(bottoms, min, 0.0), *sentences]),
    )


def _common_extreme(
    values: Counter[float], pick: Callable[[Iterable[float]], float], default: float
) -> float:
    """The highest (or lowest) value seen on several pages: where full pages reach,
    not chapter openings or ends."""
    enough = max(2, round(_COMMON_SHARE * values.total()))
    common = [value for value, count in values.items() if count >= enough]
    return pick(common or values) if values else default


def _block(lines: list[Line], pitch: float) -> tuple[float, float] | None:
    """The baselines of the first and last lines set at the line pitch from a neighbour."""
    baselines = [line.baseline for line in lines]
    paced = [
        baseline
        for i, baseline in enumerate(baselines)
        if any(
            abs(abs(baseline - baselines[j]) - pitch) <= 0.2 * pitch
            for j in (i - 1, i + 1)
            if 0 <= j < len(baselines)
        )
    ]
    return (max(paced), min(paced)) if paced else None


def _text_lines(page: PageLayout, profile: BookProfile) -> list[Line]:
    return [
        line
        for line in page.lines
        if not in_top_band(line, profile) and not in_bottom_band(line, profile)
    ]


def _is_contents_line(line: Line) -> bool:
    return bool(_TOC_LINE.search(line.text))


def _is_prose_line(line: Line, page: int, profile: BookProfile) -> bool:
    text = line.text
    if not is_prose_size(line, profile) or not (len(text.split()) >= 3 or text.endswith(_TERMINAL)):
        return False
    left, right = profile.left_edge(page), profile.right_edge(page)
    size = profile.body_size
    if not left - 0.5 * size <= line.x0 <= left + profile.indent + size and not line.drop_cap:
        return False
    if _is_contents_line(line) or _LEGAL_LINE.search(text) or note_mark(text) is not None:
        return False
    return line.x1 >= right - 1.5 * size or text.endswith(_TERMINAL)


def _is_flush(line: Line, page: int, profile: BookProfile) -> bool:
    return abs(line.x0 - profile.left_edge(page)) <= 0.5 * profile.body_size


def _matter(pages: Sequence[PageLayout], profile: BookProfile) -> tuple[PageSpan, ...]:
    contents: set[int] = set()
    endnotes: set[int] = set()
    prose: list[int] = []
    open_paragraph = False  # the last prose page ends inside a paragraph
    for page in pages:
        lines = _text_lines(page, profile)
        listed = sum(_is_contents_line(line) for line in lines)
        titled = any(_TOC_TITLE.match(line.text) for line in lines)
        enough = listed >= (1 if titled else _TOC_MIN_LINES)
        body = [line for line in lines if is_prose_size(line, profile)]
        if enough and listed >= _TOC_SHARE * (len(lines) - titled):
            contents.add(page.number)
        elif is_notes_page(page):
            endnotes.add(page.number)
        elif any(_is_prose_line(line, page.number, profile) for line in lines) or (
            open_paragraph and body and _is_flush(body[0], page.number, profile)
        ):
            prose.append(page.number)
            open_paragraph = not body[-1].text.endswith(_TERMINAL) or body[-1].text.endswith("-")
            continue
        open_paragraph = False
    kinds: dict[int, str] = dict.fromkeys(contents, "table_of_contents")
    kinds.update(dict.fromkeys(endnotes, "notes"))
    if prose:
        for page in pages:
            if page.number not in kinds and not prose[0] <= page.number <= prose[-1]:
                kinds[page.number] = "front_matter" if page.number < prose[0] else "back_matter"
    spans: list[PageSpan] = []
    for number in sorted(kinds):
        if spans and spans[-1].last == number - 1 and spans[-1].kind == kinds[number]:
            spans[-1] = replace(spans[-1], last=number)
        else:
            spans.append(PageSpan(number, number, kinds[number]))
    return tuple(spans)


def _running(pages: Sequence[PageLayout], profile: BookProfile) -> frozenset[str]:
    """Shapes of short unpunctuated lines standing at the edge of several pages."""
    seen: Counter[str] = Counter()
    for page in pages:
        if profile.page_kind(page.number):
            continue
        lines = _text_lines(page, profile)
        edges = {
            signature(line.text)
            for line in lines[:1] + lines[-1:]
            if _may_run(line, page.number, profile)
        }
        seen.update(shape for shape in edges if shape)
    return frozenset(shape for shape, count in seen.items() if count >= _RUNNING_MIN_PAGES)


def _may_run(line: Line, page: int, profile: BookProfile) -> bool:
    """Short, unpunctuated, well short of the measure: a running line, not prose."""
    measure = profile.right_edge(page) - profile.left_edge(page)
    return (
        line.size < HEADING_SIZE * profile.body_size
        and not is_heading(line.text)
        and len(line.text.split()) <= _RUNNING_MAX_WORDS
        and line.x1 - line.x0 < 0.7 * measure
        and not line.text.endswith((*_TERMINAL, "-"))
    )


def _vocabulary_key(token: str) -> str:
    word = token.strip(_TOKEN_EDGES).replace("’", "'")
    return word.rsplit("'", 1)[-1].lower()


def _hyphen_decisions(pages: Iterable[CleanPage]) -> HyphenDecisions:
    counts: Counter[str] = Counter()
    breaks: list[tuple[str, str]] = []
    previous = ""
    for page in pages:
        for index, line in enumerate(page.lines):
            if index in page.headings:
                previous = ""
                continue
            tokens = line.split()
            inner = tokens[1:-1] if is_broken(line) else tokens[1:]
            counts.update(key for key in map(_vocabulary_key, inner) if key)
            if previous and tokens:
                breaks.append((previous.rsplit(" ", 1)[-1][:-1], tokens[0]))
            previous = line if is_broken(line) and not line.endswith(SOFT_HYPHEN) else ""
    kept: set[str] = set()
    joined: set[str] = set()
    for head, tail in breaks:
        says = vocabulary_keeps_hyphen(head, tail, counts)
        if says is not None and says != rule_keeps_hyphen(head, tail):
            (kept if says else joined).add(break_key(head, tail))
    return HyphenDecisions(frozenset(kept), frozenset(joined))
