"""Rejoin words a typesetter hyphenated across a line break, keep the real hyphens.

"retour-/nera" becomes "retournera", while "passe-/t-il", "Avez-/vous", "jour-/là",
"Notre-/Dame" and "tête-à-/tête" keep their hyphen. The evidence, strongest first: how
the book itself spells the word away from line ends (learned over the whole book,
`HyphenDecisions`), the French lexicon, then what French words look like: a capital
after the break, clitic pronouns and number words, a compound going on, a proper noun
broken in two, two real words.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.text.book_profile import HyphenDecisions
from shared.text.lexicon import frequency

SOFT_HYPHEN = "\u00ad"
LINE_END_HYPHENS = ("-", "\u2010", "\u2011", SOFT_HYPHEN)

# Second halves that make a compound with what precedes them: inverted subjects
# ("passe-t-il", "Avez-vous"), imperative pronouns ("prends-le"), and particles.
_ATTACHED_WORDS = frozenset(
    "t il ils elle elles on je tu nous vous moi toi lui leur leurs le la les en y ce là "
    "ci même mêmes".split()
)
_NUMBER_WORDS = frozenset(
    "un une deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
    "quinze seize vingt vingts trente quarante cinquante soixante cent cents".split()
)
# First halves that make a compound with what follows them ("là-dessous", "ci-gît").
_COMPOUND_HEADS = frozenset("là ci demi mi semi non vice ex".split())
_COMMON_WORD = 200
_APOSTROPHES = ("'", "’")


def _word_prefix(text: str) -> str:
    """The word `text` opens, hyphens kept ("de-chaussée," -> "de-chaussée")."""
    end = 0
    while end < len(text) and (text[end].isalpha() or text[end] == "-"):
        end += 1
    return text[:end].rstrip("-")


def _unelided(token: str) -> str:
    """The word without an elided article or pronoun ("qu'est" -> "est")."""
    for apostrophe in _APOSTROPHES:
        token = token.rsplit(apostrophe, 1)[-1]
    return token


def break_halves(head: str, tail: str) -> tuple[str, str]:
    """The two halves of a broken word: the head's last word, the tail's first word."""
    return _unelided(head).lstrip('«“"(—–[-'), _word_prefix(tail)


def break_key(head: str, tail: str) -> str:
    left, right = break_halves(head, tail)
    return f"{left.lower()}|{right.lower()}"


def vocabulary_keeps_hyphen(head: str, tail: str, counts: Mapping[str, int]) -> bool | None:
    """What the book's own spelling says, or None when it never writes the word."""
    left, right = break_halves(head, tail)
    joined = counts.get((left + right).lower(), 0)
    hyphenated = counts.get(f"{left}-{right}".lower(), 0)
    if not joined and not hyphenated:
        last = left.rsplit("-", 1)[-1]
        first = right.split("-", 1)[0]
        joined = counts.get((last + first).lower(), 0)
        hyphenated = counts.get(f"{last}-{first}".lower(), 0)
    if not joined and not hyphenated:
        return None
    return hyphenated >= joined


def rule_keeps_hyphen(head: str, tail: str) -> bool:
    """The lexicon's and French morphology's answer for a break the book cannot settle."""
    left, right = break_halves(head, tail)
    if not left or not right or not left[-1].isalpha():
        return True
    if right[0].isupper():
        return True  # "Notre-/Dame", "Saint-/Jean"
    if frequency(f"{left}-{right}".lower()):
        return True  # the lexicon lists a hyphenated form only where it is a compound
    last = left.rsplit("-", 1)[-1]
    first = right.split("-", 1)[0]
    if frequency((last + first).lower()):
        return False
    if first.lower() in _ATTACHED_WORDS or last.lower() in _NUMBER_WORDS | _COMPOUND_HEADS:
        return True
    if "-" in left and frequency(first.lower()):
        return True  # a compound going on: "arc-en-/ciel"
    if last[0].isupper():
        return False  # a proper noun broken in two: "Langue-/doc"
    return all(len(part) >= 3 and frequency(part.lower()) >= _COMMON_WORD for part in (last, first))


def keeps_hyphen(head: str, tail: str, decisions: HyphenDecisions) -> bool:
    """Whether "head-" at a line end followed by `tail` on the next line is a real hyphen."""
    key = break_key(head, tail)
    if key in decisions.kept:
        return True
    if key in decisions.joined:
        return False
    return rule_keeps_hyphen(head, tail)


def is_broken(line: str) -> bool:
    """The line ends inside a word: a hyphen right after a letter."""
    return line.endswith(LINE_END_HYPHENS) and len(line) > 1 and line[-2].isalpha()


def join_across_break(line: str, next_line: str, decisions: HyphenDecisions) -> str:
    """Join two consecutive lines of one paragraph, mending a word broken at the break."""
    if not line:
        return next_line
    if not next_line:
        return line
    if is_broken(line):
        head = line[:-1]
        first_token = next_line.split(" ", 1)[0]
        if line.endswith(SOFT_HYPHEN) or not keeps_hyphen(
            head.rsplit(" ", 1)[-1], first_token, decisions
        ):
            return head + next_line
        return head + "-" + next_line
    return f"{line} {next_line}"
