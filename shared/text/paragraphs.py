"""Rebuild paragraphs from clean page lines: line breaks, page breaks, broken words.

Text extraction loses indentation, so a paragraph ends where a line falls clearly short
of the page's measure after closing punctuation, where a dialogue line or a heading
starts, or at a heading. A paragraph running over a page break is joined like any line.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from shared.text.hyphens import LINE_END_HYPHENS, join_across_break
from shared.text.layout import CleanPage

# A line shorter than this share of the page's usual line ends its paragraph.
SHORT_LINE_RATIO = 0.75
_PARAGRAPH_END = (".", "!", "?", "…", "»", ":", '"', "”", ")")
_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W\d_]|[^\W\d_]")


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
    def __init__(self) -> None:
        # Words as the document spells them away from line ends: the best evidence
        # for mending a word broken across lines.
        self.document_counts: Counter[str] = Counter()
        self._lines: list[tuple[int, str]] = []  # (page, line) of the open paragraph
        self._previous_short = True

    def feed(self, pages: Iterable[CleanPage]) -> Iterator[Paragraph]:
        for page in pages:
            self._count_words(page.lines)
            measure = _measure(page.lines)
            for index, line in enumerate(page.lines):
                if index in page.headings:
                    yield from self._close()
                    yield Paragraph(line, [(0, page.number)], heading=True)
                    self._previous_short = True
                    continue
                if self._previous_short or _opens_dialogue(line):
                    yield from self._close()
                self._lines.append((page.number, line))
                self._previous_short = len(line) < SHORT_LINE_RATIO * measure and line.endswith(
                    _PARAGRAPH_END
                )
        yield from self._close()

    def _close(self) -> Iterator[Paragraph]:
        if not self._lines:
            return
        text = ""
        page_starts: list[tuple[int, int]] = []
        for page, line in self._lines:
            if not page_starts or page_starts[-1][1] != page:
                page_starts.append((len(text) + (1 if text else 0), page))
            text = join_across_break(text, line, self.document_counts)
        self._lines = []
        yield Paragraph(text.rstrip("".join(LINE_END_HYPHENS)).strip(), page_starts)

    def _count_words(self, lines: list[str]) -> None:
        for line in lines:
            tokens = line.split()
            # A line's last token may be half a word; its first may be the other half.
            inner = tokens[1:-1] if line.endswith(LINE_END_HYPHENS) else tokens[1:]
            for token in inner:
                match = _WORD.search(token)
                if match:
                    self.document_counts[match.group().lower().replace("’", "'")] += 1


def _opens_dialogue(line: str) -> bool:
    """A dialogue line opens on a dash and a capital; "— maison dans laquelle" is an aside."""
    if not line.startswith(("—", "–")):
        return False
    rest = line.lstrip('—– «"(')
    return rest[:1].isupper()


def _measure(lines: list[str]) -> float:
    lengths = [len(line) for line in lines if len(line) > 20]
    return statistics.median(lengths) if lengths else 60.0
