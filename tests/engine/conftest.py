from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.books.builder import (
    Book,
    Chapter,
    Layout,
    RenderedBook,
    corpus_names,
    load_text,
    render_pdf,
)
from tests.books.house_styles import PRINTED_STYLES, with_subtitles


def anthology() -> Book:
    """Every test text as a chapter of one book, in corpus order."""
    chapters = [
        Chapter(f"CHAPITRE {number}", load_text(name))
        for number, name in enumerate(corpus_names(), start=1)
    ]
    return with_subtitles(Book("Premières pages", chapters, author="Anthologie"))


LAYOUTS = {
    "plain": Layout(seed=1),
    "soft-hyphens-ligatures-footnotes": Layout(
        soft_hyphen_rate=0.5, ligatures=True, footnotes=True, seed=2
    ),
    "folio-on-top-with-dashes": Layout(page_number_position="top", page_number_dashes=True, seed=3),
    "small-pages": Layout(page_width=110, page_height=170, font_size=9.5, seed=4),
    **PRINTED_STYLES,
}


@dataclass(frozen=True)
class PrintedBook:
    path: Path
    rendered: RenderedBook
    layout: Layout


@pytest.fixture(scope="session")
def book() -> Book:
    return anthology()


@pytest.fixture(scope="session", params=sorted(LAYOUTS))
def printed(
    request: pytest.FixtureRequest, book: Book, tmp_path_factory: pytest.TempPathFactory
) -> PrintedBook:
    path = tmp_path_factory.mktemp("books") / f"{request.param}.pdf"
    rendered = render_pdf(book, LAYOUTS[request.param])
    path.write_bytes(rendered.pdf)
    return PrintedBook(path, rendered, LAYOUTS[request.param])


@pytest.fixture(scope="session")
def book_pdf(printed: PrintedBook) -> Path:
    return printed.path
