"""What a user reads of their jobs: one job, and its sentences page by page. Reads write
nothing.

Another user's job answers exactly like a missing one, so job ids reveal nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from shared.domain.errors import InvalidInput, JobNotCompleted, JobNotFound
from shared.domain.ids import JobId
from shared.domain.jobs import Job, JobStatus
from shared.domain.results import NumberedSentence
from shared.service.deps import Deps
from shared.service.ports import ResultPart

MAX_PAGE_SIZE = 1000
_PART_ID = re.compile(r"\d{5}-\d{4}")


@dataclass(frozen=True, slots=True)
class SentencePage:
    sentences: list[NumberedSentence]
    next_cursor: str | None


def get_job(deps: Deps, owner_uid: str, job_id: JobId) -> Job:
    """The job as it stands now (failed once its upload expired, before the expiry task
    records it)."""
    return owned_job(deps, owner_uid, job_id).seen_at(deps.clock())


def sentence_page(
    deps: Deps,
    owner_uid: str,
    job_id: JobId,
    cursor: str | None,
    page_size: int,
    min_words: int = 1,
) -> SentencePage:
    """Up to `page_size` sentences in book order, after the position `cursor` names,
    leaving out those of fewer than `min_words` words."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
    job = owned_job(deps, owner_uid, job_id)
    if job.status is not JobStatus.COMPLETED:
        raise JobNotCompleted(
            f"The job is {job.status}; its sentences are ready once it is completed.",
            details={"status": str(job.status)},
        )
    start_part, start_offset = decode_cursor(cursor) if cursor else (None, 0)
    found: list[NumberedSentence] = []
    for part in deps.jobs.result_parts(job.id, start_part):
        first = start_offset if part.id == start_part else 0
        for offset in range(first, len(part.sentences)):
            if len(found) == page_size:
                return SentencePage(found, encode_cursor(part.id, offset))
            if part.sentences[offset].word_count >= min_words:
                found.append(_numbered(job, part, offset))
    return SentencePage(found, None)


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


def owned_job(deps: Deps, owner_uid: str, job_id: JobId) -> Job:
    job = deps.jobs.get(job_id)
    if job is None or job.owner_uid != owner_uid:
        raise JobNotFound("No such job.", details={"job_id": job_id})
    return job
