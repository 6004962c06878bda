"""Quality measures of the text engine against the source text of a generated book."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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
        """Walk both word streams together, resynchronising on the nearest run of
        `_ANCHOR` words they share: local, so a book that repeats itself aligns too."""
        opcodes: list[tuple[str, int, int, int, int]] = []
        i = j = 0
        while i < len(source) or j < len(output):
            start_i, start_j = i, j
            while i < len(source) and j < len(output) and source[i] == output[j]:
                i, j = i + 1, j + 1
            if i > start_i:
                opcodes.append(("equal", start_i, i, start_j, j))
            skip_i, skip_j = _resync(source, output, i, j)
            if skip_i or skip_j:
                tag = "replace" if skip_i and skip_j else "delete" if skip_i else "insert"
                opcodes.append((tag, i, i + skip_i, j, j + skip_j))
                i, j = i + skip_i, j + skip_j
        return cls(source, output, opcodes)

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


_ANCHOR = 3
_RESYNC_REACH = 60


def _resync(source: list[str], output: list[str], i: int, j: int) -> tuple[int, int]:
    """How many words to skip in each stream to meet again (all that is left, failing that)."""
    if i >= len(source) or j >= len(output):
        return len(source) - i, len(output) - j
    for reach in range(1, _RESYNC_REACH + 1):
        for skip_i in range(reach + 1):
            skip_j = reach - skip_i
            if source[i + skip_i : i + skip_i + _ANCHOR] == output[
                j + skip_j : j + skip_j + _ANCHOR
            ] and i + skip_i < len(source):
                return skip_i, skip_j
    return len(source) - i, len(output) - j


def output_keys(sentences: Sequence[OutputSentence]) -> list[str]:
    return [key for sentence in sentences for key in word_keys(sentence.text)]


def carried_subjects(alignment: Alignment) -> int:
    return sum(1 for word in alignment.inserted() if word in CARRIABLE_SUBJECTS)


def leaks(alignment: Alignment, vocabularies: Mapping[str, set[str]]) -> dict[str, int]:
    """Words the output has and the source lacks, by the kind of print they come from
    ("folios": any stray number)."""
    inserted = [word for word in alignment.inserted() if word not in CARRIABLE_SUBJECTS]
    found = {kind: sum(word in words for word in inserted) for kind, words in vocabularies.items()}
    found["folios"] = sum(1 for word in inserted if re.fullmatch(r"\d{1,4}", word))
    return found


def broken_words(alignment: Alignment) -> int:
    """Source words without a hyphen that the output leaves in pieces or hyphenated."""
    return sum(
        max(len(source), len(output))
        for source, output in _hyphen_only_differences(alignment)
        if not any("-" in word for word in source)
    )


def broken_compounds(alignment: Alignment) -> int:
    """Source compounds the output spells without one of their hyphens."""
    return sum(
        max(len(source), len(output))
        for source, output in _hyphen_only_differences(alignment)
        if any("-" in word for word in source)
    )


def _hyphen_only_differences(alignment: Alignment) -> list[tuple[list[str], list[str]]]:
    return [
        (source, output)
        for source, output in alignment.replaced_pairs()
        if "".join(source).replace("-", "") == "".join(output).replace("-", "")
    ]


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
