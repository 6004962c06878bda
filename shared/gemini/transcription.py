"""Pages of a scanned book read by the model, with nothing lost in silence.

A range of pages goes to the model as one PDF. An answer that did not finish normally
(RECITATION, SAFETY and other blocks, MAX_TOKENS, or no text at all) is never taken
for the pages' text nor cached: the range is halved and each half asked again, down to
single pages. Pages still unread then fail the chunk with a code of their own, naming
every such page; what was read is cached, so a later attempt pays only for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shared.domain.errors import (
    TranscriptionBlocked,
    TranscriptionEmpty,
    TranscriptionFailed,
    TranscriptionRecited,
    TranscriptionTruncated,
)
from shared.gemini.cache import rewrite_key
from shared.gemini.engine import RewriteReport
from shared.gemini.ports import ModelAnswer, ModelRequest, RewriteCache, TextModel
from shared.gemini.prompt import (
    BLANK_PAGE,
    TRANSCRIPTION_SYSTEM,
    TRANSCRIPTION_VERSION,
    transcription_prompt,
)

MAX_OUTPUT_TOKENS = 32_768
EMPTY = "EMPTY"  # our name for a normal finish with no text
# A PDF of pages first..last (1-based, inclusive) of the book.
PageReader = Callable[[int, int], bytes]


@dataclass(frozen=True, slots=True)
class Unread:
    page: int
    reason: str  # Gemini's finish reason, or EMPTY


class Transcriber:
    """Reads page ranges of one uploaded book (`scope` names it in the cache)."""

    def __init__(
        self,
        model: TextModel,
        cache: RewriteCache,
        read_pages: PageReader,
        scope: str,
        report: RewriteReport,
    ) -> None:
        self._model = model
        self._cache = cache
        self._read_pages = read_pages
        self._scope = scope
        self._report = report

    def paragraphs(self, first: int, last: int) -> list[str]:
        """The pages' paragraphs, in reading order; raises TranscriptionFailed naming
        the pages that could not be read."""
        unread: list[Unread] = []
        found = self._read(first, last, unread)
        if unread:
            raise _failure(unread)
        return found

    def _read(self, first: int, last: int, unread: list[Unread]) -> list[str]:
        key = rewrite_key(
            self._model.model_name, TRANSCRIPTION_VERSION, 0, f"{self._scope}:{first}-{last}"
        )
        cached = self._cache.get_many([key])
        if key in cached:
            return cached[key]
        answer = self._model.generate(
            ModelRequest(
                system=TRANSCRIPTION_SYSTEM,
                prompt=transcription_prompt(),
                max_output_tokens=MAX_OUTPUT_TOKENS,
                pdf=self._read_pages(first, last),
            )
        )
        self._report.count_call(answer)
        reason = _unfinished(answer)
        if reason is None:
            lines = (line.strip() for line in answer.text.splitlines())
            found = [line for line in lines if line and line != BLANK_PAGE]
            self._cache.put_many({key: found})
            return found
        if first == last:
            unread.append(Unread(first, reason))
            return []
        middle = (first + last) // 2
        return self._read(first, middle, unread) + self._read(middle + 1, last, unread)


def _unfinished(answer: ModelAnswer) -> str | None:
    """Why an answer is not the pages' text, or None when it is."""
    if answer.finish_reason != "STOP":
        return answer.finish_reason
    return None if answer.text.strip() else EMPTY


def _failure(unread: list[Unread]) -> TranscriptionFailed:
    """One error for the chunk: the first unread page's reason picks the code, the
    message and details name them all."""
    reason = unread[0].reason
    kind: type[TranscriptionFailed]
    if reason == "RECITATION":
        kind = TranscriptionRecited
    elif reason == "MAX_TOKENS":
        kind = TranscriptionTruncated
    elif reason == EMPTY:
        kind = TranscriptionEmpty
    else:
        kind = TranscriptionBlocked
    listed = ", ".join(f"{u.page} ({u.reason})" for u in unread)
    return kind(
        f"Gemini could not read page(s) {listed} of the scanned book, even one page at a"
        " time; no text from them was kept.",
        {"pages": [u.page for u in unread], "reasons": {str(u.page): u.reason for u in unread}},
    )
