"""The whole engine on generated books: the text that comes out is the text that went in."""

import itertools
from pathlib import Path

import pytest

from shared.domain.words import count_words, word_keys
from shared.text.french import CARRIABLE_SUBJECTS
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import RunStats, process_pdf, source_sentences
from tests.books.builder import Book, corpus_names, load_sentences


def gold() -> list[str]:
    return [sentence for name in corpus_names() for sentence in load_sentences(name)]


def test_sentences_match_the_hand_made_segmentation(book_pdf: Path) -> None:
    found = [sentence.text for sentence in source_sentences(open_pdf(book_pdf))]
    assert found == gold()


@pytest.mark.parametrize("limit", [3, 8, 12, 50])
def test_every_source_word_comes_out_in_order_within_the_limit(
    book_pdf: Path, book: Book, limit: int
) -> None:
    stats = RunStats()
    sentences = list(process_pdf(book_pdf, limit, stats=stats))
    assert all(1 <= count_words(s.text) <= limit for s in sentences)
    source = [key for paragraph in book.paragraphs for key in word_keys(paragraph)]
    output = [key for s in sentences for key in word_keys(s.text)]
    # Only carried subject pronouns may be added; nothing is lost, no furniture leaks in.
    position = 0
    for key in output:
        if position < len(source) and key == source[position]:
            position += 1
        else:
            assert key in CARRIABLE_SUBJECTS, (
                f"unexpected word {key!r} near {source[position : position + 5]}"
            )
    assert position == len(source)
    assert stats.repaired_by_gate == 0


def test_records_where_each_sentence_comes_from(book_pdf: Path) -> None:
    sentences = list(process_pdf(book_pdf, 8))
    indexes = [s.source_index for s in sentences]
    assert indexes == sorted(indexes)
    assert set(indexes) == set(range(len(gold())))
    pages = [s.page for s in sentences]
    assert pages == sorted(pages)
    # The last sentence starts on the last page or, running over, on the one before.
    assert pages[0] == 1
    assert pages[-1] >= open_pdf(book_pdf).page_count - 1
    kept = [s for s in sentences if s.method == "kept"]
    assert kept and all(count_words(s.text) <= 8 for s in kept)


def test_page_ranges_give_each_sentence_once_whole(book_pdf: Path) -> None:
    whole = [s.text for s in source_sentences(open_pdf(book_pdf))]
    pages = open_pdf(book_pdf).page_count
    cuts = [1, 3, pages // 2, pages - 1, pages + 1]
    pieces: list[str] = []
    for first, after in itertools.pairwise(cuts):
        book = open_pdf(book_pdf)
        pieces.extend(s.text for s in source_sentences(book, first, after - 1))
    assert pieces == whole
