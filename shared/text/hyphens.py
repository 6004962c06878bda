"""Rejoin words a typesetter hyphenated across a line break, keep the real hyphens.

"retour-/nera" becomes "retournera", while "passe-/t-il", "Avez-/vous", "jour-/là" and
"Notre-/Dame" keep their hyphen. The evidence, strongest first: a capital after the
break, how the document itself spells the word elsewhere, the French lexicon, then
what French compounds look like (clitic pronouns, number words, two real words).
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.text.lexicon import frequency

SOFT_HYPHEN = "\u00ad"
LINE_END_HYPHENS = ("-", "\u2010", SOFT_HYPHEN)

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
_COMMON_WORD = 200


def _letters_prefix(text: str) -> str:
    """The leading run of letters of `text` ("t-il," -> "t", "nera." -> "nera")."""
    end = 0
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[:end]


def _last_part(head: str) -> str:
    """The last element of a hyphenated or elided head ("qu'est" -> "est")."""
    part = head.rsplit("-", 1)[-1]
    for apostrophe in ("'", "’"):
        part = part.rsplit(apostrophe, 1)[-1]
    return part


def keep_hyphen(head: str, tail: str, document_counts: Mapping[str, int]) -> bool:
    """Whether "head-" at a line end followed by `tail` on the next line is a real hyphen.

    `head` is the end of the line without its hyphen, `tail` the first token of the next
    line; `document_counts` maps lower-case words (compounds included) seen in the
    document to how often they occur away from line ends.
    """
    left = _last_part(head)
    right = _letters_prefix(tail)
    if not left or not right or not left[-1].isalpha():
        return True
    if right[0].isupper():
        return True
    joined = (left + right).lower()
    hyphenated = f"{left}-{right}".lower()
    in_document_joined = document_counts.get(joined, 0)
    in_document_hyphenated = document_counts.get(hyphenated, 0)
    if in_document_joined or in_document_hyphenated:
        return in_document_hyphenated >= in_document_joined
    # The lexicon lists a hyphenated form only where it is a real compound.
    if frequency(hyphenated):
        return True
    if frequency(joined):
        return False
    if right.lower() in _ATTACHED_WORDS or left.lower() in _NUMBER_WORDS:
        return True
    return all(len(part) >= 3 and frequency(part.lower()) >= _COMMON_WORD for part in (left, right))


def join_across_break(line: str, next_line: str, document_counts: Mapping[str, int]) -> str:
    """Join two consecutive lines of one paragraph, mending a word broken at the break."""
    if not line:
        return next_line
    if not next_line:
        return line
    if line.endswith(LINE_END_HYPHENS) and len(line) > 1 and line[-2].isalpha():
        head = line[:-1]
        first_token = next_line.split(" ", 1)[0]
        if line.endswith(SOFT_HYPHEN) or not keep_hyphen(
            head.rsplit(" ", 1)[-1], first_token, document_counts
        ):
            return head + next_line
        return head + "-" + next_line
    return f"{line} {next_line}"
