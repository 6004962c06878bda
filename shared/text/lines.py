"""Line-level normalization of extracted PDF text: ligatures, spaces, footnote markers."""

from __future__ import annotations

import re

_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)
SUPERSCRIPT_DIGITS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
# A footnote call: superscript digits anywhere, or one or two plain digits glued to
# the end of a word ("montagne1," -> "montagne,"), never digits inside numbers.
_SUPERSCRIPT_CALL = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
_GLUED_DIGIT_CALL = re.compile(r"(?<=[^\W\d_]{3})\d{1,2}(?=[\s,.;:!?»)…]|$)")
_INNER_SOFT_HYPHEN = re.compile("\u00ad(?!$)")


def normalize_line(raw: str) -> str:
    """One extracted line made plain: ligatures expanded, spaces collapsed.

    A soft hyphen at the very end is kept, since it marks a word broken across lines.
    """
    line = raw.translate(_LIGATURES)
    line = _SPACES.sub(" ", line).strip()
    return _INNER_SOFT_HYPHEN.sub("", line)


def has_footnote_call(line: str) -> bool:
    return bool(_SUPERSCRIPT_CALL.search(line.lstrip(SUPERSCRIPT_DIGITS + " ")))


def strip_footnote_calls(line: str) -> str:
    return _GLUED_DIGIT_CALL.sub("", _SUPERSCRIPT_CALL.sub("", line))


def starts_with_footnote_mark(line: str) -> bool:
    return bool(re.match(rf"^(?:[{SUPERSCRIPT_DIGITS}]+|\(?\d{{1,2}}[.)]|\*)\s*\S", line))
