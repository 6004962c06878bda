"""Rebuild paragraphs from clean page lines: line breaks, page breaks, broken words.

A paragraph opens on an indented line (when the book indents), after a line that falls
clearly short of the measure on closing punctuation, on a dialogue line, and around a
heading. A paragraph running over a page break is joined like any line; a word broken
at a line end is mended as the book's profile decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from shared.text.book_profile import HyphenDecisions
from shared.text.hyphens import LINE_END_HYPHENS, join_across_break
from shared.text.layout import CleanPage

_PARAGRAPH_END = (".", "!", "?", "…", "»", ":", '"', "”", ")")


@dataclass(slots=True)
class Paragraph:
    text: str
    # (offset in text, 1-based page) for each page the paragraph runs over.
    page_starts: list[tuple[int, int]] = field(default_factory=list)
    heading: bool = False

    @property
    def page(self) -> int:
        return self.page_starts[0][1]

    def page_at(self, offset: int) -> int:
        page = self.page_starts[0][1]
        for start, number in self.page_starts:
            if start > offset:
                break
            page = number
        return page


class ParagraphBuilder:
    def __init__(self, hyphens: HyphenDecisions) -> None:
        self._hyphens = hyphens
        self._lines: list[tuple[int, str]] = []  # (page, line) of the open paragraph
        self._previous_short = True

    def feed(self, pages: Iterable[CleanPage]) -> Iterator[Paragraph]:
        for page in pages:
            for index, line in enumerate(page.lines):
                if index in page.headings:
                    yield from self._close()
                    yield Paragraph(line, [(0, page.number)], heading=True)
                    self._previous_short = True
                    continue
                if self._previous_short or index in page.starts or _opens_dialogue(line):
                    yield from self._close()
                self._lines.append((page.number, line))
                self._previous_short = index in page.short and line.endswith(_PARAGRAPH_END)
        yield from self._close()

    def _close(self) -> Iterator[Paragraph]:
        if not self._lines:
            return
        text = ""
        page_starts: list[tuple[int, int]] = []
        for page, line in self._lines:
            if not page_starts or page_starts[-1][1] != page:
                page_starts.append((len(text) + (1 if text else 0), page))
            text = join_across_break(text, line, self._hyphens)
        self._lines = []
        yield Paragraph(text.rstrip("".join(LINE_END_HYPHENS)).strip(), page_starts)


def _opens_dialogue(line: str) -> bool:
    """A dialogue line opens on a dash and a capital; "— maison dans laquelle" is an aside."""
    if not line.startswith(("—", "–")):
        return False
    rest = line.lstrip('—– «"(')
    return rest[:1].isupper()
