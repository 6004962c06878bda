"""A chunk's results cut into parts that each fit one stored document.

Firestore's limit is 1 MiB of encoded bytes per document, field names included, and
accented French takes two bytes a letter: parts are budgeted in UTF-8 bytes with a wide
margin. A sentence whose source sentence does not fit beside it is stored without it
(exports then show no original for it); one that does not fit even alone is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shared.domain.errors import ResultTooLarge
from shared.domain.sentences import Note, OutputSentence
from shared.service.ports import ResultPart

PART_MAX_ITEMS = 400
PART_MAX_BYTES = 800_000
# What one stored sentence or note adds besides its text: field names, numbers, method.
ITEM_OVERHEAD_BYTES = 96


def split_into_parts(
    chunk: int,
    sentences: Sequence[OutputSentence],
    originals: Mapping[int, str] | None = None,
    notes: Sequence[Note] = (),
) -> list[ResultPart]:
    """The chunk's sentences (with their source sentences), then its notes, in parts that
    fit a stored document, in order."""
    originals = originals or {}
    parts: list[_PartBuilder] = []
    for index, sentence in enumerate(sentences):
        original = originals.get(sentence.source_index)
        if not parts or not parts[-1].fits_sentence(sentence, original):
            parts.append(_PartBuilder(offset=index))
        parts[-1].add_sentence(sentence, original)
    for note in notes:
        if not parts or not parts[-1].fits(_size(note.number, note.text)):
            parts.append(_PartBuilder(offset=len(sentences)))
        parts[-1].add_note(note)
    return [part.build(chunk, number) for number, part in enumerate(parts)]


def _size(*texts: str) -> int:
    return ITEM_OVERHEAD_BYTES + sum(len(text.encode("utf-8")) for text in texts)


@dataclass
class _PartBuilder:
    offset: int
    sentences: list[OutputSentence] = field(default_factory=list)
    originals: dict[int, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    size: int = 0

    def fits(self, size: int) -> bool:
        items = len(self.sentences) + len(self.notes)
        return items < PART_MAX_ITEMS and self.size + size <= PART_MAX_BYTES

    def fits_sentence(self, sentence: OutputSentence, original: str | None) -> bool:
        return self.fits(self._sentence_size(sentence, original))

    def add_sentence(self, sentence: OutputSentence, original: str | None) -> None:
        size = self._sentence_size(sentence, original)
        if self.size + size > PART_MAX_BYTES:  # alone in its part, and still too large
            size = _size(sentence.text)
            if size > PART_MAX_BYTES:
                raise ResultTooLarge(
                    f"A sentence on page {sentence.page} is {size} bytes long: too long to"
                    " be a sentence of a book (is the page's text garbled?)."
                )
        elif original is not None:
            self.originals[sentence.source_index] = original
        self.size += size
        self.sentences.append(sentence)

    def add_note(self, note: Note) -> None:
        size = _size(note.number, note.text)
        if size > PART_MAX_BYTES:
            raise ResultTooLarge(
                f"A note on page {note.page} is {size} bytes long: too long to keep."
            )
        self.size += size
        self.notes.append(note)

    def _sentence_size(self, sentence: OutputSentence, original: str | None) -> int:
        if original is None or sentence.source_index in self.originals:
            return _size(sentence.text)
        return _size(sentence.text, original)

    def build(self, chunk: int, number: int) -> ResultPart:
        part_id = f"{chunk:05d}-{number:04d}"
        return ResultPart(
            part_id, chunk, self.offset, tuple(self.sentences), self.originals, tuple(self.notes)
        )
