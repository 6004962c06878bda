"""What a user reads of their jobs: one job, and its sentences page by page. Reads write
nothing.

Another user's job answers exactly like a missing one, so job ids reveal nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from shared.domain.errors import InvalidInput, JobNotCompleted, JobNotFound
from shared.domain.ids import JobId
from shared.domain.jobs import Job, JobStatus
from shared.domain.results import NumberedSentence
from shared.domain.sentences import Note, OutputSentence
from shared.domain.teams import Action
from shared.domain.text_search import finder
from shared.service.access import allowed
from shared.service.deps import Deps
from shared.service.ports import ResultPart

MAX_PAGE_SIZE = 1000
T = TypeVar("T")
_PART_ID = re.compile(r"\d{5}-\d{4}")


@dataclass(frozen=True, slots=True)
class SentencePage:
    sentences: list[NumberedSentence]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class NotePage:
    notes: list[Note]
    next_cursor: str | None


def get_job(deps: Deps, owner_uid: str, job_id: JobId) -> Job:
    """The job as it stands now (failed once its upload expired, before the expiry task
    records it)."""
    return job_for(deps, owner_uid, job_id).seen_at(deps.clock())


def sentence_page(
    deps: Deps,
    owner_uid: str,
    job_id: JobId,
    cursor: str | None,
    page_size: int,
    min_words: int = 1,
    search: str | None = None,
) -> SentencePage:
    """Up to `page_size` sentences in book order, after the position `cursor` names,
    leaving out those of fewer than `min_words` words and, with `search`, those that do
    not contain it (case and accents ignored).

    A search reads the book's parts from the cursor on until the page is full: at worst
    the whole book's results, a few dozen documents for a long novel.
    """
    job = _completed_job(deps, owner_uid, job_id, page_size)
    found_in = finder(search) if search is not None else None

    def kept(sentence: OutputSentence) -> bool:
        return sentence.word_count >= min_words and (found_in is None or found_in(sentence.text))

    found, next_cursor = _page(
        deps.jobs.result_parts(job.id, _start_part(cursor)),
        cursor,
        page_size,
        lambda part: part.sentences,
        lambda part, offset: _numbered(job, part, offset) if kept(part.sentences[offset]) else None,
    )
    return SentencePage(found, next_cursor)


def note_page(
    deps: Deps, owner_uid: str, job_id: JobId, cursor: str | None, page_size: int
) -> NotePage:
    """Up to `page_size` of the book's notes in book order, after the position `cursor`
    names."""
    job = _completed_job(deps, owner_uid, job_id, page_size)
    found, next_cursor = _page(
        deps.jobs.result_parts(job.id, _start_part(cursor)),
        cursor,
        page_size,
        lambda part: part.notes,
        lambda part, offset: part.notes[offset],
    )
    return NotePage(found, next_cursor)


def _completed_job(deps: Deps, owner_uid: str, job_id: JobId, page_size: int) -> Job:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
    job = job_for(deps, owner_uid, job_id)
    if job.status is not JobStatus.COMPLETED:
        raise JobNotCompleted(
            f"The job is {job.status}; its results are ready once it is completed.",
            details={"status": str(job.status)},
        )
    return job


def _start_part(cursor: str | None) -> str | None:
    return decode_cursor(cursor)[0] if cursor else None


def _page(
    parts: Iterable[ResultPart],
    cursor: str | None,
    page_size: int,
    items_of: Callable[[ResultPart], Sequence[object]],
    pick: Callable[[ResultPart, int], T | None],
) -> tuple[list[T], str | None]:
    """Up to `page_size` items of the parts (those `pick` keeps) from the cursor on, and
    the cursor of what follows."""
    start_part, start_offset = decode_cursor(cursor) if cursor else (None, 0)
    found: list[T] = []
    for part in parts:
        first = start_offset if part.id == start_part else 0
        for offset in range(first, len(items_of(part))):
            if len(found) == page_size:
                return found, encode_cursor(part.id, offset)
            item = pick(part, offset)
            if item is not None:
                found.append(item)
    return found, None


def encode_cursor(part_id: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{part_id}:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        part_id, offset = text.rsplit(":", 1)
        if not _PART_ID.fullmatch(part_id) or int(offset) < 0:
            raise ValueError(cursor)
        return part_id, int(offset)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput("The cursor is not one this API returned.") from exc


def _numbered(job: Job, part: ResultPart, offset: int) -> NumberedSentence:
    sentence = part.sentences[offset]
    return NumberedSentence(
        index=job.chunk_offsets[part.chunk] + part.offset + offset,
        source_index=job.source_offsets[part.chunk] + sentence.source_index,
        sentence=sentence,
        original=part.originals.get(sentence.source_index),
    )


def job_for(deps: Deps, uid: str, job_id: JobId, action: Action = Action.READ) -> Job:
    """The job, if `uid` may do `action` to it (see `access`)."""
    return allowed(
        deps,
        uid,
        action,
        deps.jobs.get(job_id),
        lambda job: job.owner_uid,
        lambda job: job.team_id,
        lambda: JobNotFound("No such job.", details={"job_id": job_id}),
    )
