"""What a printed page looks like to the engine: its lines, where they stand, how big.

Positions are in PDF points from the page's bottom-left corner. A line's `baseline` is
the bottom of its glyphs' boxes and its `size` their height (ascent to descent of the
font at its size), so both compare across lines and pages of one book.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    drop_cap: str = ""  # an oversized initial printed beside the line, not yet joined
    calls: tuple[str, ...] = ()  # raised note calls taken out of the text

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class PageLayout:
    number: int  # 1-based
    width: float
    height: float
    lines: tuple[Line, ...]  # top to bottom, then left to right
    body_size: float  # the size most of the page's glyphs have (0 on a page without text)
