"""A chunk's way into its book: the pages the storage trigger read, cleaned and stored,
else the PDF, opened only when needed.

The trigger reads every page of a printed book to learn its profile (`upload_checks`)
and keeps the pages it cleaned on the way (`save_reading`): a chunk then segments and
shortens its pages without reading a layout again, which is most of the text engine's
time. Where a part is missing (too large to store, a format of another version) the
chunk reads from that page on in the PDF, cleaned with the same profile, so the
sentences are the same either way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from shared.domain.jobs import Chunk, Job
from shared.domain.sentences import Note, SourceSentence
from shared.service.deps import Deps
from shared.text.book_profile import BookProfile
from shared.text.layout import CleanPage
from shared.text.pdf_source import PdfBook, open_pdf
from shared.text.pipeline import (
    RunStats,
    check_range,
    clean_pages,
    cleaned_sentences,
    first_to_read,
    source_sentences,
)
from shared.text.stored_pages import decode_part, encode_parts, first_page_of, part_of

# A Firestore document holds at most 1 MiB: a part larger than this (pages of
# extraordinary text) is not stored, and the chunks read the PDF instead.
MAX_PART_BYTES = 900_000


def save_reading(
    deps: Deps, job: Job, generation: int, profile: BookProfile, pages: Sequence[CleanPage]
) -> None:
    """Keep what the trigger learned of an upload and the pages it cleaned. The profile
    goes last: a chunk that finds it finds every part stored."""
    parts = encode_parts(pages)
    if max(map(len, parts), default=0) <= MAX_PART_BYTES:
        deps.jobs.save_pages(job.id, generation, parts)
    deps.jobs.save_profile(job.id, generation, profile.to_json())


class StoredOrPdfBook:
    """The ChunkBook of a job's upload (see the module's note)."""

    def __init__(self, deps: Deps, job: Job) -> None:
        assert job.generation is not None  # a queued job's upload was accepted
        self._deps, self._job, self._generation = deps, job, job.generation
        self._data: bytes | None = None
        self._book: PdfBook | None = None

    def pdf(self) -> bytes:
        """The upload's bytes (an engine reading page images needs them), read once."""
        if self._data is None:
            self._data = self._deps.store.read(self._job.object_name, self._generation)
        return self._data

    def sources(self, chunk: Chunk, stats: RunStats, notes: list[Note]) -> list[SourceSentence]:
        """The sentences that start on the chunk's pages; their notes go to `notes`.
        Raises NoTextLayer for pages without text (a scan)."""
        first, last = chunk.first_page, chunk.last_page
        profile = self._profile()
        if profile is None:  # a scan, or a job queued before profiles: learned here
            book = self._opened()
            return list(source_sentences(book, first, last, stats, profile=None, notes=notes))
        check_range(profile.page_count, first, last)
        pages = self._pages_from(first_to_read(first), profile)
        return list(cleaned_sentences(pages, profile, first, last, stats, notes))

    def _pages_from(self, page: int, profile: BookProfile) -> Iterator[CleanPage]:
        """The cleaned pages from `page` on: stored ones while there are, then the PDF's."""
        while page <= profile.page_count:
            stored = self._part(part_of(page))
            if stored is None:
                break
            yield from (clean for clean in stored if clean.number >= page)
            page = first_page_of(part_of(page) + 1)
        if page <= profile.page_count:
            yield from clean_pages(self._opened(), profile, page)

    def _part(self, number: int) -> list[CleanPage] | None:
        data = self._deps.jobs.pages_part(self._job.id, self._generation, number)
        try:
            return decode_part(data) if data is not None else None
        except ValueError:  # stored by another version of the engine
            return None

    def _profile(self) -> BookProfile | None:
        saved = self._deps.jobs.profile(self._job.id, self._generation)
        try:
            return BookProfile.from_json(saved) if saved else None
        except ValueError:  # the profile of an older version of the engine
            return None

    def _opened(self) -> PdfBook:
        if self._book is None:
            self._book = open_pdf(self.pdf(), max_pages=self._deps.limits.max_pages)
        return self._book
