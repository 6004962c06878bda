"""The one definition of a word, used everywhere a limit is checked.

A word is a whitespace-separated token holding at least one letter or digit:
"l'homme", "Avez-vous" and "1815" are one word each; a lone "«", "—" or ":" is not.
"""

from __future__ import annotations

import re
import unicodedata

_HAS_ALNUM = re.compile(r"[^\W_]")
# Punctuation that may cling to a word in French text and is not part of it.
_EDGE_PUNCT = "«»“”\"'’‘()[]{}.,;:!?…—–-*¹²³⁴⁵⁶⁷⁸⁹⁰"


def is_word(token: str) -> bool:
    return bool(_HAS_ALNUM.search(token))


def words(text: str) -> list[str]:
    """The tokens of `text` that count as words, as they are written."""
    return [token for token in text.split() if is_word(token)]


def count_words(text: str) -> int:
    return sum(1 for token in text.split() if is_word(token))


def word_key(token: str) -> str:
    """A comparison key for a word: case, edge punctuation and apostrophe style ignored."""
    stripped = token.strip(_EDGE_PUNCT).replace("’", "'")
    return unicodedata.normalize("NFC", stripped).casefold()


def word_keys(text: str) -> list[str]:
    return [key for key in (word_key(token) for token in words(text)) if key]
