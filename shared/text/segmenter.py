"""French sentence segmentation of one paragraph.

A sentence ends at . ! ? or an ellipsis, with any closing quotes after it, when what
follows opens a sentence: a capital, a digit, an opening quote or a dialogue dash.
Abbreviations (M., Mme, Dr, St, etc.) and initials do not end sentences; "Ah ! c'est
vous" does not break, since a lower-case word follows the "!".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle mlles mgr me dr pr st ste sts stes cf p pp chap ch vol t no n° av "
    "apr env ex fig éd art liv sq éts cie boul bd r op vs hon lt col gén cap sr".split()
)
_TERMINAL = re.compile(r"\.\.\.|[.!?…]+")
_CLOSERS = "»”\")]’'"
_OPENERS = '«“"([—–-'


def _token_before(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def _is_abbreviation(token: str) -> bool:
    """The word before a full stop is an abbreviation or an initial ("M", "J", "J.-C")."""
    word = token.lstrip(_OPENERS)
    if not word:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "J. Verne"
    if re.fullmatch(r"(?:[A-Z]\.-?)+[A-Z]", word):
        return True  # "J.-C", "S.M"
    return word.lower() in ABBREVIATIONS


def _boundaries(text: str) -> Iterator[int]:
    for match in _TERMINAL.finditer(text):
        mark = match.group()
        end = match.end()
        # Take closing quotes and brackets, French style ("fin. »") or English ("fin.»").
        probe = end
        while True:
            step = probe
            while step < len(text) and text[step].isspace():
                step += 1
            if step < len(text) and text[step] in _CLOSERS:
                probe = step + 1
                continue
            break
        after = probe
        while after < len(text) and text[after].isspace():
            after += 1
        if after >= len(text):
            continue  # the paragraph's end is a boundary anyway
        if after == probe:
            continue  # no space after: "3.14", "M.Dupont", "Que...?!"
        nxt = text[after]
        opens_sentence = nxt.isupper() or nxt.isdigit() or nxt in '«“"—–(['
        if not opens_sentence:
            continue
        if mark == "." and _is_abbreviation(_token_before(text, match.start())):
            continue
        yield probe


def split_sentences(paragraph: str) -> list[tuple[int, str]]:
    """The sentences of a paragraph with their start offsets."""
    sentences: list[tuple[int, str]] = []
    start = 0
    for end in [*_boundaries(paragraph), len(paragraph)]:
        chunk = paragraph[start:end]
        stripped = chunk.strip()
        if stripped:
            sentences.append((start + len(chunk) - len(chunk.lstrip()), stripped))
        start = end
    return sentences


def balance_quotes(sentence: str) -> str:
    """Close a French quotation opened in the sentence, or open one it closes."""
    depth = 0
    missing_open = 0
    for ch in sentence:
        if ch == "«":
            depth += 1
        elif ch == "»":
            if depth:
                depth -= 1
            else:
                missing_open += 1
    return "« " * missing_open + sentence + " »" * depth
