"""The whole engine on generated books: the text that comes out is the text that went in."""

import itertools

import pytest

from shared.domain.sentences import Note
from shared.domain.words import count_words, word_keys
from shared.text.book_profile import BookProfile
from shared.text.french import CARRIABLE_SUBJECTS
from shared.text.learning import learn_book
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import RunStats, process_pdf, source_sentences
from tests.books.builder import Book, corpus_names, load_sentences
from tests.engine.conftest import PrintedBook


def gold() -> list[str]:
    return [sentence for name in corpus_names() for sentence in load_sentences(name)]


def test_sentences_match_the_hand_made_segmentation(printed: PrintedBook) -> None:
    found = [sentence.text for sentence in source_sentences(open_pdf(printed.path))]
    assert found == gold()


@pytest.mark.parametrize("limit", [3, 8, 12, 50])
def test_every_source_word_comes_out_in_order_within_the_limit(
    printed: PrintedBook, book: Book, limit: int
) -> None:
    stats = RunStats()
    sentences = list(process_pdf(printed.path, limit, stats=stats))
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


def test_records_where_each_sentence_comes_from(printed: PrintedBook) -> None:
    sentences = list(process_pdf(printed.path, 8))
    indexes = [s.source_index for s in sentences]
    assert indexes == sorted(indexes)
    assert set(indexes) == set(range(len(gold())))
    pages = [s.page for s in sentences]
    assert pages == sorted(pages)
    paragraph_pages = printed.rendered.paragraph_pages
    assert pages[0] == paragraph_pages[0][0] + 1
    assert paragraph_pages[-1][0] + 1 <= pages[-1] <= paragraph_pages[-1][1] + 1
    kept = [s for s in sentences if s.method == "kept"]
    assert kept and all(count_words(s.text) <= 8 for s in kept)


def test_notes_come_apart_with_their_marks_and_pages(printed: PrintedBook) -> None:
    notes: list[Note] = []
    list(source_sentences(open_pdf(printed.path), notes=notes))
    assert [(n.number, n.text, n.page) for n in notes] == printed.rendered.notes


def test_what_is_not_prose_is_counted_by_kind(printed: PrintedBook, book: Book) -> None:
    stats = RunStats()
    list(source_sentences(open_pdf(printed.path), stats=stats))
    matter = printed.rendered.matter_pages
    for kind in set(matter.values()):
        assert stats.removed[kind] > 0, kind
    assert stats.removed["notes"] == len(printed.rendered.notes)
    assert stats.removed["note_calls"] == len(printed.rendered.notes)
    assert stats.headings >= len(book.chapters)
    assert stats.removed["folios"] >= printed.rendered.page_count - len(matter)


@pytest.mark.parametrize("pages_per_chunk", [1, 2, 3, 7])
def test_chunks_with_the_books_profile_give_the_whole_books_output(
    printed: PrintedBook, pages_per_chunk: int
) -> None:
    book = open_pdf(printed.path)
    profile = BookProfile.from_json(learn_book(book).to_json())
    whole_notes: list[Note] = []
    whole = list(process_pdf(printed.path, 8, notes=whole_notes))
    chunked: list[tuple[str, int, str]] = []
    chunk_notes: list[Note] = []
    for first in range(1, book.page_count + 1, pages_per_chunk):
        last = min(book.page_count, first + pages_per_chunk - 1)
        outputs = process_pdf(printed.path, 8, first, last, profile=profile, notes=chunk_notes)
        chunked.extend((s.text, s.page, str(s.method)) for s in outputs)
    assert chunked == [(s.text, s.page, str(s.method)) for s in whole]
    assert chunk_notes == whole_notes


def test_page_ranges_without_a_profile_learn_the_whole_book(printed: PrintedBook) -> None:
    whole = [s.text for s in source_sentences(open_pdf(printed.path))]
    pages = open_pdf(printed.path).page_count
    cuts = [1, 3, pages // 2, pages - 1, pages + 1]
    pieces: list[str] = []
    for first, after in itertools.pairwise(cuts):
        pieces.extend(s.text for s in source_sentences(open_pdf(printed.path), first, after - 1))
    assert pieces == whole
