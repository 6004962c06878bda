"""Fast checks of the test-book generator itself."""

from __future__ import annotations

import io
import re
import time
from functools import cache

import pytest
from pypdf import PasswordType, PdfReader

from tests.books import builder
from tests.books.builder import (
    FOOTNOTE_MARK,
    SOFT_HYPHEN,
    Layout,
    RenderedBook,
    render_pdf,
)

LIGATURES = ("\ufb01", "\ufb02")


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@cache
def _novel(pages: int = 14, layout: Layout = builder.DEFAULT_LAYOUT) -> RenderedBook:
    return render_pdf(builder.novel(pages, layout=layout), layout)


def _normalized(text: str) -> str:
    """Text with what layout may change taken out: hyphens, spaces, ligatures, note calls."""
    for ligature, letters in zip(LIGATURES, ("fi", "fl"), strict=True):
        text = text.replace(ligature, letters)
    return re.sub(r"[\s\-\u00ad¹]+", "", text)


def _body(rendered: RenderedBook, layout: Layout) -> str:
    """The extracted text of the book minus titles, headers, page numbers and notes."""
    kept = []
    for number, text in enumerate(_pages(rendered.pdf)):
        lines = text.split("\n")
        opening = number in rendered.chapter_pages
        if opening or layout.running_headers or layout.page_number_position == "top":
            lines = lines[1:]
        if layout.page_numbers and (opening or layout.page_number_position == "bottom"):
            lines = lines[:-1]
        if number in rendered.footnote_pages:
            lines = lines[: max(i for i, line in enumerate(lines) if line.startswith("¹ "))]
        kept.append("\n".join(lines))
    return "\n".join(kept)


# ---------------------------------------------------------------------------- texts


def test_corpus_and_sample_books() -> None:
    names = builder.corpus_names()
    assert "proust_swann" in names and len(names) == len(builder.CORPUS_INFO)
    for name in names:
        book = builder.sample_book(name)
        assert len(book.chapters) == 2
        assert book.paragraphs == builder.load_text(name)
        source = (builder.TEXTS_DIR / f"{name}.txt").read_text(encoding="utf-8")
        assert book.source_text() == source
    titles = {builder.sample_book(n).chapters[1].title for n in names}
    assert {"CHAPITRE II", "II", "Chapitre II"} <= titles
    assert builder.sample_book("dumas_montecristo").chapters[0].title == "CHAPITRE PREMIER"


# ---------------------------------------------------------------------------- books


@pytest.mark.parametrize("name", builder.corpus_names())
def test_sample_book_renders_and_keeps_every_word(name: str) -> None:
    book = builder.sample_book(name)
    rendered = render_pdf(book)
    reader = PdfReader(io.BytesIO(rendered.pdf))
    assert len(reader.pages) == rendered.page_count >= 2
    assert rendered.chapter_titles == [c.title for c in book.chapters]
    assert len(rendered.paragraph_pages) == len(book.paragraphs)
    firsts = [first for first, _ in rendered.paragraph_pages]
    assert firsts == sorted(firsts)
    assert all(0 <= a <= b < rendered.page_count for a, b in rendered.paragraph_pages)
    assert _normalized(_body(rendered, builder.DEFAULT_LAYOUT)) == _normalized(
        "".join(book.paragraphs)
    )


def test_running_headers_and_page_numbers() -> None:
    rendered = _novel()
    book = builder.novel(14)
    pages = _pages(rendered.pdf)
    assert len(pages) == rendered.page_count
    assert rendered.chapter_pages[0] == 0 and len(rendered.chapter_pages) >= 2
    chapter = -1
    headers = 0
    for number, text in enumerate(pages):
        lines = text.split("\n")
        if number in rendered.chapter_pages:
            chapter += 1
            assert lines[0] == book.chapters[chapter].title  # no header on an opening page
        else:
            folio = number + 1
            assert lines[0] == (book.title if folio % 2 == 0 else book.chapters[chapter].title)
            headers += 1
        assert lines[-1] == str(number + 1)
    assert headers >= rendered.page_count // 2


def test_page_numbers_on_top_with_dashes() -> None:
    layout = Layout(page_number_position="top", page_number_dashes=True)
    rendered = _novel(layout=layout)
    pages = _pages(rendered.pdf)
    inner = [n for n in range(len(pages)) if n not in rendered.chapter_pages]
    for number in inner:
        first_line = pages[number].split("\n")[0]
        assert f"— {number + 1} —" in first_line
    assert pages[0].split("\n")[-1] == "— 1 —"  # chapter openings: number at the foot


def test_hyphenated_line_ends_and_compounds() -> None:
    text = "\n".join(_pages(_novel().pdf))
    assert re.search(r"\w-\n[a-zà-ÿ]", text)  # "fer-\nmaient"
    # A compound broken at its own hyphen, somewhere among the house styles.
    compounds = set()
    for layout in builder.LAYOUT_VARIANTS.values():
        for name in builder.corpus_names():
            book = builder.sample_book(name)
            source = " ".join(book.paragraphs)
            pages = "\n".join(_pages(render_pdf(book, layout).pdf))
            compounds |= {a + b for a, b in re.findall(r"(\w+-)\n(\w+)", pages) if a + b in source}
    assert {"plate-forme", "peut-être"} <= compounds


def test_soft_hyphens_and_ligatures_only_when_enabled() -> None:
    plain = "".join(_pages(_novel().pdf))
    assert SOFT_HYPHEN not in plain
    assert not any(lig in plain for lig in LIGATURES)
    layout = Layout(soft_hyphen_rate=0.5, ligatures=True)
    text = "".join(_pages(_novel(layout=layout).pdf))
    assert re.search(r"\w\u00ad\n", text)  # line-end break encoded as U+00AD
    assert re.search(r"\w\u00ad\w", text)  # invisible soft hyphen inside a word
    assert all(lig in text for lig in LIGATURES)


def test_footnotes() -> None:
    layout = Layout(footnotes=True)
    rendered = _novel(layout=layout)
    pages = _pages(rendered.pdf)
    assert rendered.footnote_pages
    for number in rendered.footnote_pages:
        lines = pages[number].split("\n")
        note = next(i for i, line in enumerate(lines) if line.startswith("¹ Note de l'éditeur"))
        assert note >= len(lines) - 4  # the last lines, before the page number
        assert re.search(r"\w¹", "\n".join(lines[:note]))  # call glued to a word
    body = _body(rendered, layout)
    assert body.count(FOOTNOTE_MARK) == len(rendered.footnote_pages)


def test_every_line_extracts_as_composed() -> None:
    """pypdf gets spaces back from the gaps, and nothing else, on every line."""
    layout = Layout(ligatures=True, soft_hyphen_rate=0.3, footnotes=True, justify=True)
    rendered = _novel(layout=layout)
    composed = builder._Composer(layout).paginate(builder.novel(14, layout=layout))
    for page, text in zip(composed, _pages(rendered.pdf), strict=True):
        lines = text.split("\n")
        for line in page.lines:
            assert " ".join(line.words) in lines


def test_deterministic() -> None:
    book = builder.novel(5, seed=3)
    layout = Layout(soft_hyphen_rate=0.4, ligatures=True, footnotes=True, seed=9)
    assert render_pdf(book, layout).pdf == render_pdf(builder.novel(5, seed=3), layout).pdf
    assert builder.novel(20, seed=1) != builder.novel(20, seed=2)


def test_novel_lands_near_the_target_quickly() -> None:
    for pages in (12, 60):
        rendered = render_pdf(builder.novel(pages))
        assert abs(rendered.page_count - pages) <= max(1, pages // 10)
    started = time.perf_counter()
    rendered = render_pdf(builder.novel(300))
    assert time.perf_counter() - started < 30
    assert 270 <= rendered.page_count <= 330


# ---------------------------------------------------------------------------- defects


def test_scanned_pdf_has_no_text_layer() -> None:
    reader = PdfReader(io.BytesIO(builder.scanned_pdf(pages=2)))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert page.extract_text().strip() == ""
        assert len(page.images) == 1


def test_encrypted_pdf_needs_its_password() -> None:
    reader = PdfReader(io.BytesIO(builder.encrypted_pdf("secret")))
    assert reader.is_encrypted
    assert reader.decrypt("") == PasswordType.NOT_DECRYPTED
    reader = PdfReader(io.BytesIO(builder.encrypted_pdf("secret")))
    assert reader.decrypt("secret") != PasswordType.NOT_DECRYPTED
    assert "CHAPITRE PREMIER" in reader.pages[0].extract_text()
    assert reader.trailer["/Encrypt"]["/V"] == 5  # AES-256


def test_owner_only_encrypted_pdf_opens_with_empty_password() -> None:
    data = builder.owner_only_encrypted_pdf()
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted
    assert reader.decrypt("") != PasswordType.NOT_DECRYPTED
    assert "CHAPITRE PREMIER" in reader.pages[0].extract_text()


def test_truncated_not_a_pdf_and_many_pages() -> None:
    truncated = builder.truncated_pdf()
    whole = render_pdf(builder.novel(6)).pdf
    assert truncated.startswith(b"%PDF") and len(truncated) < 0.7 * len(whole)
    assert whole.startswith(truncated)
    assert not builder.not_a_pdf().startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(builder.many_pages_pdf(120)))
    assert len(reader.pages) == 120
    assert "Page 120" in reader.pages[-1].extract_text()


def test_layout_validation_and_missing_font(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError):
        Layout(soft_hyphen_rate=1.5)
    with pytest.raises(ValueError):
        Layout(page_width=40)
    monkeypatch.setattr(builder, "_FONT_CANDIDATES", ())
    monkeypatch.setenv("BOOKS_FONT", "/nonexistent/DejaVuSerif.ttf")
    builder.font_path.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="DejaVu"):
            builder.font_path()
    finally:
        builder.font_path.cache_clear()


@pytest.mark.parametrize(
    ("style", "marks"),
    [
        ("raised-page", None),
        ("raised-chapter", None),
        ("symbols", ("*", "†", "‡")),
        ("unicode", ("1",)),
    ],
)
def test_notes_are_numbered_as_the_style_says(style: str, marks: tuple[str, ...] | None) -> None:
    layout = Layout(note_style=style, notes_per_chapter=3)  # type: ignore[arg-type]
    rendered = _novel(layout=layout)
    assert len(rendered.notes) >= 3 * 2
    pages = _pages(rendered.pdf)
    on_page: dict[int, list[str]] = {}
    for mark, text, page in rendered.notes:
        assert " ".join(text.split()[:4]) in " ".join(pages[page - 1].split())
        on_page.setdefault(page, []).append(mark)
    if marks is not None:
        assert {mark for mark, _, _ in rendered.notes} <= set(marks)
    elif style == "raised-page":
        assert all(
            found == [str(k) for k in range(1, len(found) + 1)] for found in on_page.values()
        )
    else:
        assert {mark for mark, _, _ in rendered.notes} == {"1", "2", "3"}


def test_matter_pages_contents_and_french_spacing() -> None:
    layout = Layout(
        front_matter=True, contents="start", colophon=True, narrow_spaces=True, drop_caps=True
    )
    rendered = _novel(layout=layout)
    pages = _pages(rendered.pdf)
    kinds = rendered.matter_pages
    assert [kinds[n] for n in (1, 2, 3, 4)] == ["front_matter"] * 3 + ["table_of_contents"]
    assert kinds[rendered.page_count] == "back_matter"
    assert "DU MÊME AUTEUR" in pages[1] and "ISBN" in pages[-1]
    contents = pages[3]
    assert "TABLE DES MATIÈRES" in contents and ". . ." in contents
    first_chapter = rendered.chapter_pages[0] + 1
    assert re.search(rf"CHAPITRE PREMIER\W+{first_chapter}\b", contents)
    assert "\u202f" in "".join(pages)
