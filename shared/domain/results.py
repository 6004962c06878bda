"""A job's result sentences as the user sees them: numbered across the whole book."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.sentences import OutputSentence


@dataclass(frozen=True, slots=True)
class NumberedSentence:
    """An output sentence with its place in the whole book."""

    index: int
    source_index: int
    sentence: OutputSentence
    original: str | None = None  # the source sentence (exports; not in the API's lists)

    def to_dict(self) -> dict[str, object]:
        return {**self.sentence.to_dict(), "index": self.index, "source_index": self.source_index}
