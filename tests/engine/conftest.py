from pathlib import Path

import pytest

from tests.books.builder import Book, Chapter, Layout, corpus_names, load_text, render_pdf


def anthology() -> Book:
    """Every test text as a chapter of one book, in corpus order."""
    chapters = [
        Chapter(f"CHAPITRE {number}", load_text(name))
        for number, name in enumerate(corpus_names(), start=1)
    ]
    return Book("Premières pages", chapters, author="Anthologie")


LAYOUTS = {
    "plain": Layout(seed=1),
    "soft-hyphens-ligatures-footnotes": Layout(
        soft_hyphen_rate=0.5, ligatures=True, footnotes=True, seed=2
    ),
    "folio-on-top-with-dashes": Layout(page_number_position="top", page_number_dashes=True, seed=3),
    "small-pages": Layout(page_width=110, page_height=170, font_size=9.5, seed=4),
}


@pytest.fixture(scope="session")
def book() -> Book:
    return anthology()


@pytest.fixture(scope="session", params=sorted(LAYOUTS))
def book_pdf(
    request: pytest.FixtureRequest, book: Book, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    path = tmp_path_factory.mktemp("books") / f"{request.param}.pdf"
    path.write_bytes(render_pdf(book, LAYOUTS[request.param]).pdf)
    return path
