"""Line-level normalization of extracted PDF text: ligatures, spaces, note calls and marks."""

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
_TO_DIGITS = str.maketrans(SUPERSCRIPT_DIGITS, "1234567890")
NOTE_SYMBOLS = "*†‡§¶"
# Any run of spaces, the narrow and thin no-break ones of French typesetting included.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007\u200a]+")
# A note call left in the text: superscript digits anywhere, a dagger, or one or two
# plain digits or stars glued to the end of a word ("montagne1," -> "montagne,").
_SUPERSCRIPT_CALL = re.compile(f"[{SUPERSCRIPT_DIGITS}†‡]+")
_GLUED_CALL = re.compile(r"(?<=[^\W\d_]{3})(?:\d{1,2}|\*{1,3})(?=[\s,.;:!?»)…]|$)")
_INNER_SOFT_HYPHEN = re.compile("\u00ad(?!$)")
# A note's own mark at the start of its first line: "1", "¹", "1.", "(1)", "*", "†".
_NOTE_MARK = re.compile(
    rf"^(?:([{SUPERSCRIPT_DIGITS}]+)|(\d{{1,3}})[.)]?|\((\d{{1,3}})\)|\[(\d{{1,3}})\]"
    rf"|([{NOTE_SYMBOLS}]{{1,3}}))\s*(?=\S)"
)


def normalize_line(raw: str) -> str:
    """One extracted line made plain: ligatures expanded, spaces collapsed.

    A soft hyphen at the very end is kept, since it marks a word broken across lines.
    """
    line = raw.translate(_LIGATURES)
    line = _SPACES.sub(" ", line).strip()
    return _INNER_SOFT_HYPHEN.sub("", line)


def strip_note_calls(line: str) -> tuple[str, int]:
    """The line without the note calls left in its text, and how many there were."""
    line, superscripts = _SUPERSCRIPT_CALL.subn("", line)
    line, glued = _GLUED_CALL.subn("", line)
    return line, superscripts + glued


def note_mark(line: str) -> tuple[str, str] | None:
    """(the mark as a plain number or symbol, the text after it) for a note's first line."""
    match = _NOTE_MARK.match(line)
    if not match or match.end() == len(line):
        return None
    mark = next(group for group in match.groups() if group)
    after = line[match.end() :]
    if match.group(2) and not (line[len(match.group(2))] in ".) " and after[:1].isalpha()):
        return None  # "1815, dit-il": a number opening a sentence, not a mark
    return mark.translate(_TO_DIGITS), after
