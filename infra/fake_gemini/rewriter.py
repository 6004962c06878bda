"""The fake's default answer to a rewrite request: a plain, deterministic sentence splitter.

The prompt carries a JSON array of `{"id", "text"}` items and states the word limit as
`LIMIT=<N>`; the answer is `[{"id", "sentences": [...]}, ...]`, each piece at most N words,
all the words kept in order. Tests build wrong answers from it (a piece over the limit,
an invented word) to exercise the caller's checks.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

DEFAULT_LIMIT = 8

_LIMIT = re.compile(r"LIMIT=(\d+)")
# A clause may start at these words when the sentence has to be cut.
_CONJUNCTIONS = frozenset(
    {"et", "mais", "ou", "donc", "car", "puis", "alors", "quand", "lorsque", "tandis", "puisque"}
)
_CLAUSE_END = (",", ";", ":")
_EDGE = " ,;:.…—–-"


def is_word(token: str) -> bool:
    """A word is a whitespace token with at least one letter or digit."""
    return any(ch.isalnum() for ch in token)


def words(text: str) -> list[str]:
    return [token for token in text.split() if is_word(token)]


def find_items(prompt: str) -> list[dict[str, Any]] | None:
    """The first JSON array in `prompt` whose elements are objects with "id" and "text"."""
    decoder = json.JSONDecoder()
    for start in (m.start() for m in re.finditer(r"\[", prompt)):
        try:
            value, _ = decoder.raw_decode(prompt, start)
        except json.JSONDecodeError:
            continue
        if (
            isinstance(value, list)
            and value
            and all(isinstance(item, dict) and "id" in item and "text" in item for item in value)
        ):
            return value
    return None


def find_limit(prompt: str) -> int:
    match = _LIMIT.search(prompt)
    return int(match.group(1)) if match else DEFAULT_LIMIT


def split_sentence(text: str, limit: int) -> list[str]:
    """Cut `text` into pieces of at most `limit` words, packing whole clauses where they fit."""
    pieces: list[list[str]] = [[]]
    for clause in _clauses(text.split()):
        for chunk in _chunks(clause, limit):
            if len(words(" ".join(pieces[-1] + chunk))) > limit:
                pieces.append([])
            pieces[-1].extend(chunk)
    return [piece for piece in (_finish(tokens) for tokens in pieces) if is_word(piece)]


def rewrite(items: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    return [
        {"id": item["id"], "sentences": split_sentence(str(item["text"]), limit)} for item in items
    ]


def rewrite_prompt(prompt: str) -> str:
    """The JSON text the fake answers to a rewrite prompt ("[]" when it carries no items)."""
    items = find_items(prompt) or []
    return json.dumps(rewrite(items, find_limit(prompt)), ensure_ascii=False)


def _clauses(tokens: list[str]) -> list[list[str]]:
    """Cut after , ; : and before a conjunction."""
    clauses: list[list[str]] = [[]]
    for token in tokens:
        if token.lower() in _CONJUNCTIONS and words(" ".join(clauses[-1])):
            clauses.append([])
        clauses[-1].append(token)
        if token.endswith(_CLAUSE_END):
            clauses.append([])
    return [clause for clause in clauses if clause]


def _chunks(clause: list[str], limit: int) -> list[list[str]]:
    """A clause longer than the limit, cut into near-equal runs of at most `limit` words."""
    count = len(words(" ".join(clause)))
    size = math.ceil(count / math.ceil(count / limit)) if count else limit
    chunks: list[list[str]] = [[]]
    for token in clause:
        if is_word(token) and len(words(" ".join(chunks[-1]))) == size:
            chunks.append([])
        chunks[-1].append(token)
    return chunks


def _finish(tokens: list[str]) -> str:
    """Capitalised, edge punctuation trimmed, ending with the original ? or ! or a period."""
    text = " ".join(tokens)
    body = text.rstrip(_EDGE + "?!")
    tail = text[len(body) :]
    core = body.lstrip(_EDGE)
    if not core:
        return ""
    end = "?" if "?" in tail else "!" if "!" in tail else "."
    return core[0].upper() + core[1:] + end
