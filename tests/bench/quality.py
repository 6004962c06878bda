"""Quality measures of the text engine against the source text of a generated book."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from shared.domain.sentences import OutputSentence
from shared.domain.words import word_keys
from shared.text.french import CARRIABLE_SUBJECTS


@dataclass
class Alignment:
    source: list[str]
    output: list[str]
    opcodes: list[tuple[str, int, int, int, int]]

    @classmethod
    def of(cls, source: list[str], output: list[str]) -> Alignment:
        matcher = SequenceMatcher(a=source, b=output, autojunk=False)
        return cls(source, output, matcher.get_opcodes())

    def kept_share(self) -> float:
        kept = sum(i2 - i1 for tag, i1, i2, _, _ in self.opcodes if tag == "equal")
        return kept / len(self.source) if self.source else 1.0

    def inserted(self) -> list[str]:
        return [
            w for tag, _, _, j1, j2 in self.opcodes if tag != "equal" for w in self.output[j1:j2]
        ]

    def replaced_pairs(self) -> list[tuple[list[str], list[str]]]:
        return [
            (self.source[i1:i2], self.output[j1:j2])
            for tag, i1, i2, j1, j2 in self.opcodes
            if tag == "replace"
        ]


def output_keys(sentences: Sequence[OutputSentence]) -> list[str]:
    return [key for sentence in sentences for key in word_keys(sentence.text)]


def carried_subjects(alignment: Alignment) -> int:
    return sum(1 for word in alignment.inserted() if word in CARRIABLE_SUBJECTS)


def furniture_leaks(alignment: Alignment, furniture: set[str]) -> int:
    """Inserted words that are page furniture: running-title words or page numbers."""
    return sum(
        1 for word in alignment.inserted() if word in furniture or re.fullmatch(r"\d{1,4}", word)
    )


def dehyphenation_errors(alignment: Alignment) -> int:
    """Source words the output spells with a hyphen too many or too few."""
    errors = 0
    for source, output in alignment.replaced_pairs():
        if "".join(source).replace("-", "") == "".join(output).replace("-", ""):
            errors += max(len(source), len(output))
    return errors


def boundary_scores(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """Precision and recall of sentence ends, as positions in the aligned word stream."""
    gold_words, gold_ends = _ends(gold)
    pred_words, pred_ends = _ends(predicted)
    matcher = SequenceMatcher(a=pred_words, b=gold_words, autojunk=False)
    mapping: dict[int, int] = {}
    for block in matcher.get_matching_blocks():
        for k in range(block.size + 1):
            mapping[block.a + k] = block.b + k
    mapped = {mapping[end] for end in pred_ends if end in mapping}
    hits = len(mapped & gold_ends)
    return hits / len(pred_ends), hits / len(gold_ends)


def _ends(sentences: Sequence[str]) -> tuple[list[str], set[int]]:
    words: list[str] = []
    ends: set[int] = set()
    for sentence in sentences:
        words.extend(word_keys(sentence))
        ends.add(len(words))
    return words, ends
