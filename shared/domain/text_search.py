"""Finding words in sentences the way a reader types them: case and accents ignored.

A learner searching "ete" or "Eté" wants "été"; ligatures and typographic apostrophes
("cœur", "l’homme") match their plain spellings ("coeur", "l'homme").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

_PLAIN = str.maketrans({"’": "'", "ʼ": "'", "œ": "oe", "æ": "ae", "\u00a0": " ", "\u202f": " "})


def folded(text: str) -> str:
    """`text` lower-cased, without accents, with plain apostrophes, spaces and letters."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def finder(query: str) -> Callable[[str], bool]:
    """Whether a text contains `query`, both folded; the query is folded once, for a
    search over many texts."""
    wanted = folded(query)
    return lambda text: wanted in folded(text)
