"""The offline engine: split a long sentence into short ones that keep every source word.

The sentence's tokens are cut into pieces of at most N words by dynamic programming over
the places a cut can go. Cuts at clause boundaries (after ; and :, before a coordinating
conjunction, a relative pronoun or a subordinator after a comma, after a dialogue tag)
are cheap; a mechanical cut is the expensive last resort, and never strands a word that
binds to what follows (an article, a preposition, a pronoun). Pieces without a verb and
pieces of one or two words cost extra. Where a piece opens on a verb whose subject
pronoun stayed in the piece before ("Il cambra sa taille, frisa sa moustache"), the
subject is carried: "Il cambra sa taille. Il frisa sa moustache."
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.words import is_word
from shared.text.french import (
    BINDING_WORDS,
    CLITICS,
    COORDINATORS,
    RELATIVES,
    SPEECH_VERBS,
    SUBJECT_PRONOUNS,
    SUBORDINATORS,
    agrees,
    is_finite_verb,
    person_of,
    same_tense,
    split_elision,
)
from shared.text.segmenter import balance_quotes

_CLOSING_ONLY = set(",;:!?.…»”)]")
_OPENING_ONLY = set("«“([—–")
_TERMINALS = (".", "!", "?", "…")
_FORBIDDEN = None

# Costs of a cut by the boundary it falls on: lower is better.
_MECHANICAL = 40.0
_MECHANICAL_AFTER_BINDING = 90.0
_NO_VERB = 30.0
_SHORT_PIECE = {1: 30.0, 2: 10.0}


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    clause_cut: bool  # True when every cut around it fell on a clause boundary
    carried_subject: str | None = None


def _bare(token: str) -> str:
    return token.strip('«»“”"()[]{}.,;:!?…*').lower().replace("’", "'")


def _is_punct(token: str) -> bool:
    return not is_word(token)


def _cut_cost(tokens: list[str], at: int) -> float | None:
    """Cost of cutting before tokens[at]; None where a cut is not allowed."""
    before, after = tokens[at - 1], tokens[at]
    if _is_punct(after) and set(after) <= _CLOSING_ONLY:
        return _FORBIDDEN  # never start a piece with ", ; : » ."
    if _is_punct(before) and set(before) <= _OPENING_ONLY:
        return _FORBIDDEN  # never end a piece on « or an opening dash
    nxt = _bare(after)
    nxt_head, _ = split_elision(nxt)
    ending = before[-1]
    if ending in ";:" or before in (";", ":"):
        return 1.0
    if ending in "!?…" and after[:1].islower():
        return 3.0 if nxt.split("-")[0] in SPEECH_VERBS else 4.0
    if ending == ",":
        if nxt in COORDINATORS:
            return 2.0
        if nxt in SUBORDINATORS or nxt_head in SUBORDINATORS:
            return 4.0
        if nxt in RELATIVES or nxt_head in RELATIVES:
            return 5.0
        if nxt.split("-")[0] in SPEECH_VERBS:
            return 4.0
        return 7.0
    if after in ("—", "–") or before in ("—", "–", "—,", "–,"):
        return 6.0
    if nxt in COORDINATORS and nxt not in ("or", "ni"):
        return 9.0
    if nxt in RELATIVES or nxt in SUBORDINATORS:
        return 14.0
    if _bare(before) in BINDING_WORDS:
        return _MECHANICAL_AFTER_BINDING
    return _MECHANICAL


def _subject_carries(tokens: list[str], verbs: list[bool]) -> list[str | None]:
    """For each token, the subject pronoun a piece starting there should carry, if any."""
    carries: list[str | None] = [None] * len(tokens)
    subject: str | None = None
    subject_verb = ""
    for i, token in enumerate(tokens):
        bare = _bare(token)
        if bare in SUBJECT_PRONOUNS and i + 1 < len(tokens):
            # The subject counts once a verb follows it, possibly behind clitics.
            j = i + 1
            while j < len(tokens) and _bare(tokens[j]) in CLITICS:
                j += 1
            if j < len(tokens) and verbs[j]:
                subject, subject_verb = person_of(bare), tokens[j]
            continue
        if verbs[i] and split_elision(bare)[0] == "j'":
            subject, subject_verb = "je", token
            continue
        if bare in RELATIVES or bare in SUBORDINATORS or token[-1] in ";:":
            subject = None  # a new clause may have a subject of its own
        if (
            subject is None
            or i == 0
            or (not tokens[i - 1].endswith(",") and (bare not in COORDINATORS))
        ):
            continue
        start = i + 1 if bare in COORDINATORS else i
        j = start
        while j < len(tokens) and _bare(tokens[j]) in CLITICS:
            j += 1
        if j < len(tokens) and verbs[j] and not _has_own_subject(tokens[j]):
            head, _ = split_elision(_bare(tokens[j]))
            if (
                head in ("", "n'", "s'", "m'", "t'")
                and agrees(tokens[j], subject)
                and same_tense(tokens[j], subject_verb)
            ):
                carries[i] = subject
    return carries


def _has_own_subject(token: str) -> bool:
    """An inverted subject ("dit-il") or an elided one ("j'avais", "c'était")."""
    bare = _bare(token)
    head, rest = split_elision(bare)
    if head in ("j'", "c'", "qu'"):
        return True
    return "-" in rest and rest.rsplit("-", 1)[1] in SUBJECT_PRONOUNS


def split_sentence(text: str, limit: int) -> list[Piece]:
    """Cut `text` into pieces of at most `limit` words, every source word kept in order."""
    tokens = text.split()
    n = len(tokens)
    word_flags = [is_word(t) for t in tokens]
    prefix = [0]
    for flag in word_flags:
        prefix.append(prefix[-1] + flag)
    if prefix[-1] <= limit:
        return [Piece(text, clause_cut=True)]
    verbs = [is_finite_verb(t, tokens[i - 1] if i else "") for i, t in enumerate(tokens)]
    verb_prefix = [0]
    for flag in verbs:
        verb_prefix.append(verb_prefix[-1] + flag)
    carries = _subject_carries(tokens, verbs)
    cut_costs: list[float | None] = [0.0, *(_cut_cost(tokens, i) for i in range(1, n))]

    # best[i]: cheapest way to cut tokens[:i]; back[i]: where its last piece starts.
    inf = float("inf")
    best = [inf] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for end in range(1, n + 1):
        if end < n and cut_costs[end] is None:
            continue
        for start in range(end - 1, -1, -1):
            words_in = prefix[end] - prefix[start]
            if words_in > limit:
                break
            if start and carries[start] and words_in + 1 > limit:
                continue  # no room for the subject it would carry
            if best[start] == inf or (start and cut_costs[start] is None):
                continue
            cost = (
                best[start]
                + (cut_costs[start] or 0.0)
                + _piece_cost(
                    words_in,
                    verb_prefix[end] - verb_prefix[start] > 0 or bool(start and carries[start]),
                )
            )
            if cost < best[end]:
                best[end] = cost
                back[end] = start
    if best[n] == inf:
        return _mechanical(tokens, prefix, limit)
    bounds: list[tuple[int, int]] = []
    end = n
    while end > 0:
        bounds.append((back[end], end))
        end = back[end]
    bounds.reverse()
    pieces = []
    for start, end in bounds:
        clause = all((cut_costs[k] or 0.0) < _MECHANICAL for k in (start, end) if 0 < k < n)
        carried = carries[start] if start else None
        pieces.append(Piece(_finish(tokens[start:end], carried), clause, carried))
    return pieces


def _piece_cost(words_in: int, has_verb: bool) -> float:
    return _SHORT_PIECE.get(words_in, 0.0) + (0.0 if has_verb else _NO_VERB)


def _mechanical(tokens: list[str], prefix: list[int], limit: int) -> list[Piece]:
    """Cut every `limit` words: the guarantee when no allowed cut keeps the limit."""
    pieces: list[Piece] = []
    start = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens) or prefix[i + 1] - prefix[start] > limit:
            pieces.append(Piece(_finish(tokens[start:i], None), clause_cut=False))
            start = i
    return pieces


def _finish(tokens: list[str], carried: str | None) -> str:
    """Make a piece read as a sentence: capital, carried subject, closing punctuation."""
    tokens = list(tokens)
    if carried:
        at = 1 if _bare(tokens[0]) in COORDINATORS else 0
        tokens.insert(at, carried)
    while tokens and _is_punct(tokens[-1]) and tokens[-1] not in ("»", "!", "?", "…", "."):
        tokens.pop()
    text = " ".join(tokens)
    text = text.rstrip(",;:—–-")
    if not text.rstrip(" »").endswith(_TERMINALS):
        text = text.rstrip() + "."
    return balance_quotes(_capitalize(text))


def _capitalize(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch.isdigit():
            break
    return text
