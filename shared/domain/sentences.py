"""What the text engine produces: source sentences and the short sentences made from them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.domain.errors import InvalidLimit
from shared.domain.words import count_words

MIN_LIMIT = 3
MAX_LIMIT = 50
DEFAULT_LIMIT = 8


class Method(StrEnum):
    """How an output sentence was made from its source sentence."""

    KEPT = "kept"  # the source sentence was already within the limit
    SPLIT = "split"  # cut at a clause boundary, possibly with its subject carried
    FALLBACK_CUT = "fallback_cut"  # cut mechanically: no clause boundary could keep the limit
    REWRITTEN = "rewritten"  # rewritten by the model, and its rewrite passed the checks


@dataclass(frozen=True, slots=True)
class SourceSentence:
    """One sentence of the book, as segmented from the cleaned text."""

    index: int  # position in the book (0-based), stable across chunks
    text: str
    page: int  # 1-based page on which the sentence starts


@dataclass(frozen=True, slots=True)
class OutputSentence:
    text: str
    source_index: int
    page: int
    method: Method
    # Why the model's rewrite was not used, when the offline engine stood in for it
    # (e.g. "gemini_blocked", "gemini_failed_checks"); None otherwise.
    flag: str | None = None

    @property
    def word_count(self) -> int:
        return count_words(self.text)

    def to_dict(self) -> dict[str, object]:
        record: dict[str, object] = {
            "text": self.text,
            "word_count": self.word_count,
            "page": self.page,
            "source_index": self.source_index,
            "method": str(self.method),
        }
        if self.flag is not None:
            record["flag"] = self.flag
        return record


def check_limit(limit: int) -> int:
    if not MIN_LIMIT <= limit <= MAX_LIMIT:
        raise InvalidLimit(
            f"The sentence limit must be between {MIN_LIMIT} and {MAX_LIMIT} words, got {limit}."
        )
    return limit


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote or endnote of the book: kept apart from the prose, for display."""

    number: str  # its mark as printed: "1", "*", "†" ("" for a note whose mark was lost)
    text: str
    page: int  # 1-based page on which it is printed

    def to_dict(self) -> dict[str, object]:
        return {"number": self.number, "text": self.text, "page": self.page}
