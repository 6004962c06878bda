"""The validation gate every output sentence passes, whatever engine made it.

Each output sentence must hold between 1 and N words, and together the outputs of a
source sentence must keep its words in order: a word may be added only from an
allowed set (the subject pronouns a split carries), never lost or swapped.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from shared.domain.words import count_words, word_keys
from shared.text.french import CARRIABLE_SUBJECTS


@dataclass(frozen=True, slots=True)
class Violation:
    code: str  # "over_limit" | "empty" | "word_lost" | "word_invented"
    detail: str


def check_outputs(
    source: str,
    outputs: Sequence[str],
    limit: int,
    allowed_additions: Collection[str] = CARRIABLE_SUBJECTS,
) -> list[Violation]:
    violations: list[Violation] = []
    for text in outputs:
        words = count_words(text)
        if words == 0:
            violations.append(Violation("empty", repr(text)))
        elif words > limit:
            violations.append(Violation("over_limit", f"{words} words > {limit}: {text!r}"))
    violations.extend(_word_order_violations(source, outputs, allowed_additions))
    return violations


def _word_order_violations(
    source: str, outputs: Sequence[str], allowed_additions: Collection[str]
) -> list[Violation]:
    expected = word_keys(source)
    produced = [key for text in outputs for key in word_keys(text)]
    i = 0
    for key in produced:
        if i < len(expected) and key == expected[i]:
            i += 1
        elif key in allowed_additions:
            continue
        elif key in expected[i:]:
            return [Violation("word_lost", f"{expected[i]!r} is missing before {key!r}")]
        else:
            return [Violation("word_invented", f"{key!r} is not in the source at that place")]
    if i < len(expected):
        return [Violation("word_lost", f"{expected[i]!r} and what follows are missing")]
    return []
