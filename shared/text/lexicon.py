"""A French word list with frequencies, used to tell a typesetter's hyphen from a real one.

The list is pyspellchecker's French dictionary (about 140,000 forms, compounds included),
loaded once per process on first use (about 0.1 s, 25 MiB).
"""

from __future__ import annotations

from functools import cache

from spellchecker import SpellChecker


@cache
def _frequencies() -> dict[str, int]:
    return dict(SpellChecker(language="fr", distance=1).word_frequency.dictionary)


def frequency(word: str) -> int:
    """How common a lower-case French form is; 0 when the form is unknown."""
    return _frequencies().get(word, 0)
