"""Lines from the glyphs of a page: baselines, raised note calls, small caps, drop caps.

Glyphs come in drawing order, each with its box. A glyph joins a recent line when it
sits on that line's baseline at a compatible size, or above it in smaller type (a
raised note call); otherwise it opens a line. Raised digits and symbols after a word
are note calls and leave the text (raised letters, as in "Mme", stay); at a line's
start they are a note's own number. Capitals
set smaller than their line are small caps and read as lower case. One or two
letters far larger than the text beside them are a drop cap, kept for the line they
open.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from shared.text.page_layout import Line

# (character, left, right, bottom, top, the space before it)
Glyph = tuple[str, float, float, float, float, int]
NO_SPACE, GENERATED_SPACE, PRINTED_SPACE = 0, 1, 2  # a reader infers spaces from gaps

_RECENT_LINES = 4
_SAME_BASELINE = 0.25  # of the line's size
_SIZE_RANGE = (0.55, 1.8)  # a glyph of another size than its line's opens a line
_RAISED_SMALLER = (0.4, 0.85)  # a raised glyph's size, as shares of the line's...
_RAISED_MAX = 0.75  # ...and rises by less than this share of it
_SMALL_CAPS = 0.9
_DROP_CAP = 1.8  # times the page's body size
_WORD_GAP = 0.25  # of the size: a wider gap between glyphs is a space
_CALL_SYMBOLS = "*†‡§¶"


@dataclass(slots=True)
class _LineBuilder:
    glyphs: list[Glyph] = field(default_factory=list)
    baseline: float = 0.0
    size: float = 0.0

    def add(self, glyph: Glyph) -> None:
        height = glyph[4] - glyph[3]
        if not self.glyphs or height > self.size:
            self.size, self.baseline = height, glyph[3]
        self.glyphs.append(glyph)

    def take(self, other: _LineBuilder) -> None:
        for glyph in other.glyphs:
            self.add(glyph)

    def accepts(self, glyph: Glyph) -> bool:
        height = glyph[4] - glyph[3]
        rise = glyph[3] - self.baseline
        low, high = _SIZE_RANGE
        if (
            abs(rise) <= _SAME_BASELINE * self.size
            and low * self.size <= height <= high * self.size
        ):
            return True
        return self._raised_size(height) and 0 < rise < _RAISED_MAX * self.size

    def is_raised(self, glyph: Glyph) -> bool:
        height = glyph[4] - glyph[3]
        return self._raised_size(height) and glyph[3] - self.baseline > 0.2 * self.size

    def _raised_size(self, height: float) -> bool:
        low, high = _RAISED_SMALLER
        return low * self.size <= height < high * self.size


def group_lines(glyphs: list[Glyph]) -> list[_LineBuilder]:
    builders: list[_LineBuilder] = []
    for glyph in glyphs:
        for builder in reversed(builders[-_RECENT_LINES:]):
            if builder.accepts(glyph):
                builder.add(glyph)
                break
        else:
            builder = _LineBuilder()
            builder.add(glyph)
            builders.append(builder)
    return _merge_same_baselines(builders)


def _merge_same_baselines(builders: list[_LineBuilder]) -> list[_LineBuilder]:
    """Join the pieces of one line drawn apart (a header and its folio, a note's mark)."""
    merged: list[_LineBuilder] = []
    for builder in sorted(builders, key=lambda b: -b.baseline):
        for at in range(len(merged) - 1, max(-1, len(merged) - 1 - _RECENT_LINES), -1):
            home = merged[at]
            if all(home.accepts(glyph) for glyph in builder.glyphs):
                home.take(builder)
                break
            if all(builder.accepts(glyph) for glyph in home.glyphs):
                builder.take(home)
                merged[at] = builder
                break
        else:
            merged.append(builder)
    return merged


def body_size(builders: list[_LineBuilder]) -> float:
    sizes: Counter[float] = Counter()
    for builder in builders:
        sizes[round(builder.size, 1)] += len(builder.glyphs)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def build_lines(glyphs: list[Glyph]) -> tuple[list[Line], float]:
    """The page's lines, top to bottom, and the size most of its glyphs have."""
    builders = group_lines(glyphs)
    size = body_size(builders)
    lines = [_to_line(builder, size) for builder in builders]
    return _attach_drop_caps([line for line in lines if line.text], size), size


def _to_line(builder: _LineBuilder, page_size: float) -> Line:
    glyphs = sorted(builder.glyphs, key=lambda g: g[1])
    small_caps_allowed = builder.size >= 0.95 * page_size
    text: list[str] = []
    calls: list[str] = []
    call: list[str] = []
    previous_right: float | None = None
    leading_mark = False
    for glyph in glyphs:
        char, left, right, _, _, space_before = glyph
        gap = previous_right is not None and left - previous_right > _WORD_GAP * builder.size
        if builder.is_raised(glyph):
            if text and not leading_mark:
                call.append(char)
            else:
                text.append(char)  # a note's own number, at its line's start
                leading_mark = True
            previous_right = right
            continue
        after_call = _flush_raised(call, text, calls)
        # A reader sees a gap after a raised call where the text has none.
        spaced = space_before == PRINTED_SPACE or (space_before and not after_call)
        spaced = spaced or gap or leading_mark
        if text and spaced and text[-1] != " ":
            text.append(" ")
        leading_mark = False
        if small_caps_allowed and char.isupper() and right - left >= 0:
            height = glyph[4] - glyph[3]
            if height <= _SMALL_CAPS * builder.size:
                char = char.lower()
        text.append(char)
        previous_right = right
    _flush_raised(call, text, calls)
    return Line(
        "".join(text).strip(),
        glyphs[0][1],
        glyphs[-1][2],
        builder.baseline,
        builder.size,
        calls=tuple(calls),
    )


def _flush_raised(raised: list[str], text: list[str], calls: list[str]) -> bool:
    """End a run of raised glyphs after a word: a note call ("12", "*", "†") leaves the
    text; raised letters stay in it ("Mme", "XIXe", "1er"). True for a note call."""
    if not raised:
        return False
    run = "".join(raised)
    raised.clear()
    if all(char.isdigit() or char in _CALL_SYMBOLS for char in run):
        calls.append(run)
        return True
    text.append(run)
    return False


def _attach_drop_caps(lines: list[Line], page_size: float) -> list[Line]:
    caps = [
        line
        for line in lines
        if line.size >= _DROP_CAP * page_size and sum(c.isalpha() for c in line.text) in (1, 2)
    ]
    for cap in caps:
        beside = [
            line
            for line in lines
            if line is not cap
            and cap.x1 - 1 <= line.x0 <= cap.x1 + 2 * page_size
            and cap.baseline - 0.5 * page_size <= line.baseline <= cap.baseline + cap.size
        ]
        if not beside:
            continue
        first = max(beside, key=lambda line: line.baseline)
        text = first.text
        if first.size < 0.92 * page_size or text.isupper():
            text = text.lower()  # a first line set wholly in small caps
        at = lines.index(first)
        lines[at] = Line(
            text, first.x0, first.x1, first.baseline, first.size, cap.text.strip(), first.calls
        )
        lines.remove(cap)
    return lines
