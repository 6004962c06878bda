"""Page cleaning by layout: bands, notes, headings, drop caps, small caps, raised calls."""

from dataclasses import replace

import pytest

from shared.text.book_profile import BookProfile, PageSpan
from shared.text.glyphs import NO_SPACE, PRINTED_SPACE, Glyph, build_lines
from shared.text.layout import PageCleaner
from shared.text.lines import normalize_line, note_mark, strip_note_calls
from shared.text.page_layout import Line, PageLayout

SIZE, PITCH, LEFT, RIGHT = 12.0, 14.0, 40.0, 320.0
PROFILE = BookProfile(
    page_count=10,
    body_size=SIZE,
    line_pitch=PITCH,
    left_edges=(LEFT, LEFT),
    right_edges=(RIGHT, RIGHT),
    indent=14.0,
    body_top=500.0,
    body_bottom=80.0,
)
PROSE = [
    "Il marchait d'un pas allongé, grelottant sous le coton aminci de sa",
    "veste et de son pantalon de velours. Un petit paquet, noué dans un",
    "mouchoir à carreaux, le gênait beaucoup ; et il le serrait contre ses",
]


def prose_lines(top: float = 500.0) -> list[Line]:
    return [Line(text, LEFT, RIGHT, top - i * PITCH, SIZE) for i, text in enumerate(PROSE)]


def page(lines: list[Line], number: int = 3) -> PageLayout:
    return PageLayout(number, 360.0, 560.0, tuple(lines), SIZE)


def clean(lines: list[Line], profile: BookProfile = PROFILE, number: int = 3):
    return PageCleaner(profile).clean(page(lines, number))


def test_running_header_folio_and_foot_folio_go_prose_stays() -> None:
    header = Line("12 LA PLAINE RASE", LEFT, 250.0, 530.0, 9.0)
    folio = Line("— 12 —", 170.0, 190.0, 40.0, 9.0)
    cleaned = clean([header, *prose_lines(), folio])
    assert cleaned.lines == PROSE
    assert cleaned.removed == {"headers": 1, "folios": 2}


def test_a_full_prose_line_in_a_band_is_kept() -> None:
    extra = Line(PROSE[0], LEFT, RIGHT, 60.0, SIZE)
    assert clean([*prose_lines(), extra]).lines == [*PROSE, PROSE[0]]


def test_notes_at_the_foot_are_kept_apart_with_their_marks() -> None:
    notes = [
        Line("1 Voir le chapitre pre-", LEFT, 300.0, 110.0, 9.0),
        Line("mier de ce livre.", LEFT, 150.0, 100.0, 9.0),
        Line("* Note de l'éditeur.", LEFT, 200.0, 90.0, 9.0),
    ]
    cleaned = clean([*prose_lines(), *notes])
    assert cleaned.lines == PROSE
    assert [(n.number, n.text, n.page) for n in cleaned.notes] == [
        ("1", "Voir le chapitre premier de ce livre.", 3),
        ("*", "Note de l'éditeur.", 3),
    ]
    assert cleaned.removed["notes"] == 2


def test_small_type_without_a_mark_or_a_gap_is_not_a_note() -> None:
    quote = Line("une lettre recopiée en petits caractères", LEFT, RIGHT, 458.0, 9.0)
    assert clean([*prose_lines(), quote]).lines == [*PROSE, quote.text]


def test_headings_by_size_by_centring_and_by_their_words() -> None:
    big = Line("CHAPITRE III", 140.0, 220.0, 470.0, 16.0)
    subtitle = Line("La fabrique", 150.0, 210.0, 440.0, SIZE)
    cleaned = clean([big, subtitle, *prose_lines(400.0)])
    assert cleaned.headings == {0, 1}
    assert cleaned.lines[2:] == PROSE
    flush = Line("Chapitre premier", LEFT, 120.0, 520.0 - PITCH, SIZE)
    assert clean([flush, *prose_lines(400.0)]).headings == {0}


def test_front_matter_pages_go_whole() -> None:
    profile = replace(PROFILE, matter=(PageSpan(1, 2, "front_matter"),))
    cleaned = clean(prose_lines(), profile, number=2)
    assert cleaned.lines == [] and cleaned.removed == {"front_matter": 3}
    assert clean(prose_lines(), profile, number=3).lines == PROSE


def test_indented_lines_open_paragraphs() -> None:
    lines = prose_lines()
    lines[1] = Line(PROSE[1], LEFT + 14.0, RIGHT, lines[1].baseline, SIZE)
    assert clean(lines).starts == {1}


def glyphs(text: str, x: float, bottom: float, size: float) -> list[Glyph]:
    """One glyph per character, each 0.5 size wide; a space opens a word."""
    out: list[Glyph] = []
    space = NO_SPACE
    for char in text:
        if char == " ":
            space = PRINTED_SPACE
            x += 0.3 * size
            continue
        out.append((char, x, x + 0.5 * size, bottom, bottom + size, space))
        x += 0.5 * size
        space = NO_SPACE
    return out


def test_raised_note_calls_leave_the_text() -> None:
    line = (
        glyphs("la montagne", 40, 500, 12)
        + glyphs("12", 106, 505, 7)
        + glyphs(" est", 113, 500, 12)
    )
    lines, size = build_lines(line)
    assert size == 12
    assert [(line.text, line.calls) for line in lines] == [("la montagne est", ("12",))]


def test_a_notes_raised_number_stays_as_its_mark() -> None:
    line = glyphs("3", 40, 104, 5) + glyphs("Voir plus haut.", 44, 100, 9)
    lines, _ = build_lines(glyphs("corps du texte ici", 40, 500, 12) + line)
    assert lines[-1].text == "3 Voir plus haut."


def test_small_caps_read_as_lower_case_and_drop_caps_join_their_word() -> None:
    cap = glyphs("L", 40, 472, 40)
    first = glyphs("ONGTEMPS", 64, 500, 9.6) + glyphs(" je me suis couché", 110, 500, 12)
    second = glyphs("de bonne heure.", 64, 486, 12)
    third = glyphs("Parfois, à peine ma bougie éteinte,", 40, 472, 12)
    lines, _ = build_lines(cap + first + second + third)
    assert [line.text for line in lines] == [
        "ongtemps je me suis couché",
        "de bonne heure.",
        "Parfois, à peine ma bougie éteinte,",
    ]
    assert lines[0].drop_cap == "L"
    cleaned = clean(list(lines))
    assert cleaned.lines[0] == "Longtemps je me suis couché"
    assert 1 not in cleaned.starts  # beside the drop cap, not a new paragraph


def test_line_normalization_and_calls() -> None:
    assert normalize_line("  la ﬁn  du\u00a0ﬂeuve\u202f! ") == "la fin du fleuve !"
    assert normalize_line("fenê\u00adtre ouverte") == "fenêtre ouverte"
    assert normalize_line("la fenê\u00ad") == "la fenê\u00ad"
    assert strip_note_calls("la montagne¹, puis le col†.") == ("la montagne, puis le col.", 2)
    assert strip_note_calls("en 1815, la montagne2 brille") == ("en 1815, la montagne brille", 1)
    assert note_mark("(2) Voir plus loin.") == ("2", "Voir plus loin.")
    assert note_mark("¹ Note.") == ("1", "Note.")
    assert note_mark("1815, dit-il.") is None


@pytest.mark.parametrize(
    ("cap", "set_small", "line"),
    [
        ("Ô", "CHOSES QUI PASSEZ", "Ô choses qui passez"),
        ("À", "L'UN des plus grands", "À l'un des plus grands"),
        ("L", "'HOMME était parti", "L'homme était parti"),
    ],
)
def test_a_drop_cap_is_a_word_or_opens_one(cap: str, set_small: str, line: str) -> None:
    first = glyphs(set_small, 64, 500, 9.6)
    filler = glyphs("comme un rêve, vous voilà déjà loin", 64, 486, 12)
    lines, _ = build_lines(glyphs(cap, 40, 472, 40) + first + filler)
    assert clean(list(lines)).lines[0] == line


def test_a_chapter_number_in_a_running_header_is_no_folio() -> None:
    header = Line("CHAPITRE II 13", 120.0, RIGHT, 530.0, 9.0)
    cleaned = clean([header, *prose_lines()])
    assert cleaned.removed == {"headers": 1, "folios": 1}


def test_raised_letters_are_no_note_calls() -> None:
    text = glyphs("Chez M", 40, 500, 12) + glyphs("me", 76, 505, 7) + glyphs(" Fabre", 83, 500, 12)
    lines, _ = build_lines(text)
    assert [(line.text, line.calls) for line in lines] == [("Chez Mme Fabre", ())]
