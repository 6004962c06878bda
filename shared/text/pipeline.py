"""The text engine end to end: PDF pages in, validated short sentences out, streaming.

`process_pdf` works on a whole book or on a page range (a worker's chunk). What the
engine learns from the whole book (`BookProfile`: the prose block, matter pages,
hyphenation) is learned once and handed to every range, so the ranges' outputs put
together are exactly the whole book's. Without a profile, the book is read once, the
profile learned from it, and the range processed from the pages already read.

A range owns the sentences that start on its pages, and the notes printed on them: it
reads a page or two before its first page (to see where its first sentence starts) and
on after its last until the last sentence ends, so a sentence crossing a range
boundary comes out once, whole, from the range where it starts.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from shared.domain.errors import BookProfileMismatch, InvalidPageRange, NoTextLayer, TooLittleText
from shared.domain.sentences import Method, Note, OutputSentence, SourceSentence, check_limit
from shared.domain.words import count_words, is_word
from shared.text.book_profile import BookProfile
from shared.text.layout import CleanPage, PageCleaner
from shared.text.learning import learn_pages
from shared.text.offline_engine import split_sentence
from shared.text.page_layout import PageLayout
from shared.text.paragraphs import ParagraphBuilder
from shared.text.pdf_basics import DEFAULT_MAX_PAGES
from shared.text.segmenter import balance_quotes, split_sentences
from shared.text.validation import check_outputs

# A page with fewer letters than this has no usable text layer (a scan, a picture).
MIN_LETTERS_PER_PAGE = 20
# Pages read before a range, to find where the sentence open at its start began.
LOOK_BACK = 2

if TYPE_CHECKING:  # PDF readers load with the first book, not with every import of the text layer
    from shared.text.pdf_source import PdfBook

ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class RunStats:
    pages: int = 0  # pages of the range processed
    pages_without_text: int = 0
    headings: int = 0
    source_sentences: int = 0
    output_sentences: int = 0
    methods: Counter[str] = field(default_factory=Counter)
    repaired_by_gate: int = 0
    seconds: float = 0.0
    # What was printed on the range's pages and is not prose, by kind: "headers",
    # "footers", "folios", "notes", "note_calls", "headings", "front_matter",
    # "back_matter", "table_of_contents", "wordless" (paragraphs without a word).
    removed: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        record = asdict(self)
        record["methods"] = dict(self.methods)
        record["removed"] = dict(sorted(self.removed.items()))
        record["seconds"] = round(self.seconds, 3)
        return record


def source_sentences(
    book: PdfBook,
    first_page: int = 1,
    last_page: int | None = None,
    stats: RunStats | None = None,
    on_page: ProgressCallback | None = None,
    profile: BookProfile | None = None,
    notes: list[Note] | None = None,
) -> Iterator[SourceSentence]:
    """The sentences that start on pages `first_page`..`last_page`, in order.

    `profile` is the whole book's (`learn_book`); without it, it is learned here.
    `notes`, when given, receives the notes printed on the range's pages.
    """
    last = book.page_count if last_page is None else last_page
    check_range(book.page_count, first_page, last)
    read_from = first_to_read(first_page)
    in_range = last - first_page + 1
    learned = 0 if profile is not None else book.page_count
    if profile is None:
        layouts = _reported(book.page_layouts(1, learned), on_page, learned + in_range)
        profile, cleaned = learn_pages(list(layouts))
        pages: Iterable[CleanPage] = islice(cleaned, read_from - 1, None)
    else:
        pages = clean_pages(book, profile, read_from)

    def progress(done: int) -> None:
        if on_page:
            on_page(learned + done, learned + in_range)

    return cleaned_sentences(pages, profile, first_page, last, stats, notes, progress)


def clean_pages(book: PdfBook, profile: BookProfile, first_page: int) -> Iterator[CleanPage]:
    """The book's pages from `first_page` on, read and cleaned with the whole book's
    profile as they are needed."""
    if profile.page_count != book.page_count:
        raise BookProfileMismatch("The book profile was learned from another book.")
    return map(PageCleaner(profile).clean, book.page_layouts(first_page, book.page_count))


def check_range(page_count: int, first_page: int, last_page: int) -> None:
    if not 1 <= first_page <= last_page <= page_count:
        raise InvalidPageRange(
            f"Pages {first_page}-{last_page} are outside the book's 1-{page_count}."
        )


def first_to_read(first_page: int) -> int:
    """The first page a range starting at `first_page` reads (see LOOK_BACK)."""
    return max(1, first_page - LOOK_BACK)


def cleaned_sentences(
    pages: Iterable[CleanPage],
    profile: BookProfile,
    first_page: int,
    last_page: int,
    stats: RunStats | None = None,
    notes: list[Note] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[SourceSentence]:
    """The sentences that start on pages `first_page`..`last_page` of the book's cleaned
    pages, given from page `first_to_read(first_page)` on (read as far as needed).

    `progress`, when given, hears how many of the range's pages are done.
    """
    stats = stats if stats is not None else RunStats()

    def counted(pages: Iterable[CleanPage]) -> Iterator[CleanPage]:
        for page in pages:
            if first_page <= page.number <= last_page:
                stats.pages += 1
                stats.removed.update(page.removed)
                stats.headings += page.removed["headings"]
                letters = sum(ch.isalpha() for line in page.lines for ch in line)
                printed = letters >= MIN_LETTERS_PER_PAGE or page.removed.total() > 0
                stats.pages_without_text += not printed
                if notes is not None:
                    notes.extend(page.notes)
                if progress:
                    progress(stats.pages)
            yield page

    index = 0
    for paragraph in ParagraphBuilder(profile.hyphens).feed(counted(pages)):
        if paragraph.heading:
            continue
        pieces = _with_words(split_sentences(paragraph.text))
        if not pieces and first_page <= paragraph.page <= last_page:
            stats.removed["wordless"] += 1
        for offset, text in pieces:
            page = paragraph.page_at(offset)
            if first_page <= page <= last_page:
                yield SourceSentence(index, balance_quotes(text), page)
                index += 1
        if paragraph.page > last_page:
            break
    if stats.pages and stats.pages_without_text == stats.pages:
        raise NoTextLayer(
            "The PDF has no text layer (a scanned book?): its pages are images. "
            "It needs the Gemini engine, which can read page images."
        )


def _with_words(sentences: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Sentences without a word ("...", "« … »") joined to the one before, or after."""
    kept: list[tuple[int, str]] = []
    pending = ""
    for offset, text in sentences:
        if not count_words(text):
            if kept:
                kept[-1] = (kept[-1][0], f"{kept[-1][1]} {text}")
            else:
                pending = f"{pending} {text}".strip()
            continue
        kept.append((offset, f"{pending} {text}".strip() if pending else text))
        pending = ""
    return kept


def _reported(
    pages: Iterable[PageLayout], on_page: ProgressCallback | None, total: int
) -> Iterator[PageLayout]:
    for done, page in enumerate(pages, start=1):
        if on_page:
            on_page(done, total)
        yield page


def shorten(sentence: SourceSentence, limit: int, stats: RunStats) -> list[OutputSentence]:
    """The offline engine behind the validation gate."""
    pieces = split_sentence(sentence.text, limit)
    if len(pieces) == 1:
        methods = [Method.KEPT]
    else:
        methods = [Method.SPLIT if p.clause_cut else Method.FALLBACK_CUT for p in pieces]
    texts = [piece.text for piece in pieces]
    if check_outputs(sentence.text, texts, limit):
        # Cannot happen by construction; if it does, a plain cut still keeps the promise.
        stats.repaired_by_gate += 1
        texts = _plain_cut(sentence.text, limit)
        methods = [Method.FALLBACK_CUT] * len(texts)
    return [
        OutputSentence(text, sentence.index, sentence.page, method)
        for text, method in zip(texts, methods, strict=True)
    ]


def _plain_cut(text: str, limit: int) -> list[str]:
    pieces: list[list[str]] = [[]]
    count = 0
    for token in text.split():
        if is_word(token) and count == limit:
            pieces.append([])
            count = 0
        pieces[-1].append(token)
        count += is_word(token)
    return [" ".join(piece) for piece in pieces if piece]


def process_pdf(
    source: str | Path | bytes | BinaryIO,
    limit: int,
    first_page: int = 1,
    last_page: int | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
    stats: RunStats | None = None,
    on_page: ProgressCallback | None = None,
    profile: BookProfile | None = None,
    notes: list[Note] | None = None,
) -> Iterator[OutputSentence]:
    """Every sentence of the book (or of the page range), each within `limit` words."""
    from shared.text.pdf_source import open_pdf  # PDF readers load with the first book

    check_limit(limit)
    stats = stats if stats is not None else RunStats()
    started = time.perf_counter()
    book = open_pdf(source, max_pages=max_pages)
    sentences = source_sentences(book, first_page, last_page, stats, on_page, profile, notes)
    for sentence in sentences:
        stats.source_sentences += 1
        outputs = shorten(sentence, limit, stats)
        stats.output_sentences += len(outputs)
        stats.methods.update(str(output.method) for output in outputs)
        stats.seconds = time.perf_counter() - started
        yield from outputs
    stats.seconds = time.perf_counter() - started


def check_text_layer(book: PdfBook, samples: int = 12) -> None:
    """Raise NoTextLayer for a book whose pages carry no text (a scan), TooLittleText for
    one whose text is a word or two: judged on a few pages spread over the book."""
    step = max(1, book.page_count // samples)
    letters = 0
    for number in range(1, book.page_count + 1, step):
        [page] = book.page_layouts(number, number)
        on_page = sum(ch.isalpha() for line in page.lines for ch in line.text)
        if on_page >= MIN_LETTERS_PER_PAGE:
            return
        letters += on_page
    if not letters:
        raise NoTextLayer("The PDF has no text layer (a scanned book?): its pages are images.")
    raise TooLittleText(
        f"The PDF's text is only {letters} letters long: there is no book in it to drill."
    )
