"""Checks that fit a rewrite (not a cut): the limit, a verb, the source's words kept, nothing new.

The preservation score of a rewrite is the share of the source's content words (its
words minus articles, pronouns, prepositions, conjunctions and auxiliaries) that the
output sentences keep, in the source's order (the longest common subsequence of the
two lists of content words). A content word of the output that the source lacks is
"invented", unless it is a form of a source word (the same first letters: a rewrite
may conjugate "frisant" into "frisa").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from shared.domain.words import count_words, word_keys, words
from shared.text.french import CLITICS, SUBJECT_PRONOUNS, is_finite_verb

MIN_PRESERVATION = 0.85
# Outputs this long or longer are expected to carry a conjugated verb.
VERB_CHECK_MIN_WORDS = 4
_STEM = 4

_AUXILIARIES = frozenset(
    """être suis es est sommes êtes sont étais était étions étiez étaient fus fut fûmes
    furent sera seront serait seraient soit soient été avoir ai as a avons avez ont avais
    avait avions aviez avaient eus eut eûmes eurent aura auront aurait auraient ait aient eu
    c'est c'était c'étaient ce c' cela ça""".split()
)
FUNCTION_WORDS = (
    frozenset(
        """le la les l' un une des du de d' au aux à a en dans par pour sur sous avec sans
        chez vers et ou mais donc or ni car puis que qu' qui quoi dont où ne n' pas plus
        ce cet cette ces son sa ses leur leurs mon ma mes ton ta tes notre nos votre vos
        lui eux moi toi soi se s' me m' te t' y il ils elle elles on nous vous je j' tu
        si comme alors aussi très tout tous toute toutes""".split()
    )
    | _AUXILIARIES
    | SUBJECT_PRONOUNS
    | CLITICS
)


@dataclass(frozen=True, slots=True)
class Verdict:
    problems: list[str] = field(default_factory=list)
    preservation: float = 1.0

    @property
    def ok(self) -> bool:
        return not self.problems


def check_rewrite(source: str, outputs: Sequence[str], limit: int) -> Verdict:
    """What is wrong with `outputs` as a rewrite of `source` within `limit` words."""
    if not outputs:
        return Verdict(["no sentence came back"], 0.0)
    problems = []
    for text in outputs:
        count = count_words(text)
        if count == 0:
            problems.append(f"an empty sentence: {text!r}")
        elif count > limit:
            problems.append(f"{count} words, more than {limit}: {text!r}")
    if has_verb(source) and not _mostly_with_verbs(outputs):
        problems.append("most sentences have no conjugated verb")
    source_content = content_keys(source)
    output_content = [key for text in outputs for key in content_keys(text)]
    score = preservation(source_content, output_content)
    if score < MIN_PRESERVATION:
        problems.append(f"only {score:.0%} of the original's words are kept, in order")
    invented = invented_words(source_content, output_content)
    if invented:
        problems.append(f"words not in the original: {', '.join(invented[:5])}")
    return Verdict(problems, score)


def content_keys(text: str) -> list[str]:
    return [key for key in word_keys(text) if key not in FUNCTION_WORDS]


def preservation(source_content: Sequence[str], output_content: Sequence[str]) -> float:
    if not source_content:
        return 1.0
    matcher = SequenceMatcher(None, list(source_content), list(output_content), autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return kept / len(source_content)


def invented_words(source_content: Sequence[str], output_content: Sequence[str]) -> list[str]:
    known = set(source_content)
    stems = {key[:_STEM] for key in known if len(key) > _STEM}
    return [
        key
        for key in dict.fromkeys(output_content)
        if key not in known and not (len(key) > _STEM and key[:_STEM] in stems)
    ]


def has_verb(text: str) -> bool:
    tokens = words(text)
    return any(is_finite_verb(t, p) for p, t in zip(["", *tokens], tokens, strict=False))


def _mostly_with_verbs(outputs: Sequence[str]) -> bool:
    long_ones = [text for text in outputs if count_words(text) >= VERB_CHECK_MIN_WORDS]
    with_verb = sum(has_verb(text) for text in long_ones)
    return 2 * with_verb >= len(long_ones)
