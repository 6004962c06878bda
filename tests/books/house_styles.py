"""House styles of printed French books, each a mix of what real editions do.

Between them they cover: folios at the top's outer corner (on the header's line or
alone), at the top's centre, at the foot's centre or outer corner; running headers with
the book's and the chapter's titles or the author's name; notes called by raised
numbers (per page or per chapter), by symbols or by superscript digits, several per
chapter; tables of contents at the start or the end, page numbers after dotted leaders
or first; half-title, "du même auteur" and title pages; colophons; drop caps with small
caps; chapter subtitles; narrow no-break spaces; soft hyphens and ligatures.
"""

from __future__ import annotations

from dataclasses import replace

from tests.books.builder import LAYOUT_VARIANTS, Book, Layout

_EDITION = Layout(
    page_number_position="top",
    note_style="raised-page",
    notes_per_chapter=3,
    drop_caps=True,
    chapter_subtitles=True,
    narrow_spaces=True,
    front_matter=True,
    contents="end",
    colophon=True,
    soft_hyphen_rate=0.2,
    ligatures=True,
    seed=3,
)
_POCKET_GEOMETRY = (
    *("page_width", "page_height", "font_size"),
    *("margin_top", "margin_bottom", "margin_inner", "margin_outer"),
)
_POCKET = {name: getattr(LAYOUT_VARIANTS["pocket"], name) for name in _POCKET_GEOMETRY}

PRINTED_STYLES: dict[str, Layout] = {
    "edition": _EDITION,
    "pocket-page-notes": replace(
        _EDITION, **_POCKET, colophon=False, soft_hyphen_rate=0.5, seed=21
    ),
    "classic-symbols": Layout(
        page_number_position="top-centre",
        note_style="symbols",
        notes_per_chapter=2,
        front_matter=True,
        contents="start",
        contents_numbers="start",
        colophon=True,
        seed=22,
    ),
    "author-headers-chapter-notes": Layout(
        font_size=11,
        page_number_position="bottom-outer",
        header_content="author-title",
        note_style="raised-chapter",
        notes_per_chapter=2,
        drop_caps=True,
        contents="end",
        contents_numbers="start",
        soft_hyphen_rate=0.3,
        ligatures=True,
        colophon=True,
        seed=23,
    ),
    "folio-alone-on-top": Layout(
        running_headers=False,
        page_number_position="top",
        page_number_dashes=True,
        footnotes=True,
        narrow_spaces=True,
        chapter_subtitles=True,
        front_matter=True,
        contents="end",
        colophon=True,
        seed=24,
    ),
    "foot-folio-drop-caps": Layout(
        font_size=10,
        drop_caps=True,
        chapter_subtitles=True,
        narrow_spaces=True,
        contents="start",
        soft_hyphen_rate=0.5,
        seed=25,
    ),
}

SUBTITLES = (
    "La fabrique",
    "Le départ",
    "Une visite au rez-de-chaussée",
    "Ce qu'on disait au village",
    "La nuit des enluminures",
    "Retour en Languedoc",
    "L'héritage",
    "Le voyage",
    "Les lettres",
)


def with_subtitles(book: Book) -> Book:
    """The book with a subtitle under each chapter's title."""
    chapters = [
        replace(chapter, subtitle=SUBTITLES[number % len(SUBTITLES)])
        for number, chapter in enumerate(book.chapters)
    ]
    return replace(book, chapters=chapters)
