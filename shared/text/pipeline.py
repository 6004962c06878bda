"""The text engine end to end: PDF pages in, validated short sentences out, streaming.

`process_pdf` works on a whole book or on a page range (a worker's chunk). A range owns
the sentences that start on its pages: it reads a few pages before its first page (to
see running headers and where its first sentence starts) and after its last (to finish
a sentence that runs over), so a sentence crossing a chunk boundary comes out once,
whole, from the chunk where it starts.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

from shared.domain.errors import InvalidPageRange, NoTextLayer
from shared.domain.sentences import Method, OutputSentence, SourceSentence, check_limit
from shared.domain.words import is_word
from shared.text.layout import WINDOW, CleanPage, PageCleaner
from shared.text.offline_engine import split_sentence
from shared.text.paragraphs import ParagraphBuilder
from shared.text.pdf_source import DEFAULT_MAX_PAGES, PdfBook, open_pdf
from shared.text.segmenter import balance_quotes, split_sentences
from shared.text.validation import check_outputs

# A page with fewer letters than this has no usable text layer (a scan, a picture).
MIN_LETTERS_PER_PAGE = 20

ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class RunStats:
    pages: int = 0  # pages of the range processed
    pages_without_text: int = 0
    headings: int = 0
    furniture_lines_removed: int = 0
    source_sentences: int = 0
    output_sentences: int = 0
    methods: Counter[str] = field(default_factory=Counter)
    repaired_by_gate: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        record = asdict(self)
        record["methods"] = dict(self.methods)
        record["seconds"] = round(self.seconds, 3)
        return record


def source_sentences(
    book: PdfBook,
    first_page: int = 1,
    last_page: int | None = None,
    stats: RunStats | None = None,
    on_page: ProgressCallback | None = None,
) -> Iterator[SourceSentence]:
    """The sentences that start on pages `first_page`..`last_page`, in order."""
    last = book.page_count if last_page is None else last_page
    if not 1 <= first_page <= last <= book.page_count:
        raise InvalidPageRange(
            f"Pages {first_page}-{last} are outside the book's 1-{book.page_count}."
        )
    stats = stats if stats is not None else RunStats()
    read_from = max(1, first_page - WINDOW)
    read_to = min(book.page_count, last + WINDOW)

    def counted(pages: Iterator[CleanPage]) -> Iterator[CleanPage]:
        for page in pages:
            if first_page <= page.number <= last:
                stats.pages += 1
                stats.headings += len(page.headings)
                stats.furniture_lines_removed += len(page.removed)
                letters = sum(ch.isalpha() for line in page.lines for ch in line)
                stats.pages_without_text += letters < MIN_LETTERS_PER_PAGE
                if on_page:
                    on_page(stats.pages, last - first_page + 1)
            yield page

    pages = counted(PageCleaner().clean(book.page_texts(read_from, read_to)))
    index = 0
    for paragraph in ParagraphBuilder().feed(pages):
        if paragraph.heading:
            continue
        for offset, text in split_sentences(paragraph.text):
            page = paragraph.page_at(offset)
            if first_page <= page <= last:
                yield SourceSentence(index, balance_quotes(text), page)
                index += 1
        if paragraph.page > last:
            break
    if stats.pages and stats.pages_without_text == stats.pages:
        raise NoTextLayer(
            "The PDF has no text layer (a scanned book?): its pages are images. "
            "It needs the Gemini engine, which can read page images."
        )


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
) -> Iterator[OutputSentence]:
    """Every sentence of the book (or of the page range), each within `limit` words."""
    check_limit(limit)
    stats = stats if stats is not None else RunStats()
    started = time.perf_counter()
    book = open_pdf(source, max_pages=max_pages)
    for sentence in source_sentences(book, first_page, last_page, stats, on_page):
        stats.source_sentences += 1
        outputs = shorten(sentence, limit, stats)
        stats.output_sentences += len(outputs)
        stats.methods.update(str(output.method) for output in outputs)
        stats.seconds = time.perf_counter() - started
        yield from outputs
    stats.seconds = time.perf_counter() - started


def has_text_layer(book: PdfBook, samples: int = 12) -> bool:
    """Whether any of a few pages spread over the book carries text (a scan has none)."""
    step = max(1, book.page_count // samples)
    for number in range(1, book.page_count + 1, step):
        page = next(book.page_texts(number, number))
        if sum(ch.isalpha() for ch in page.text) >= MIN_LETTERS_PER_PAGE:
            return True
    return False
