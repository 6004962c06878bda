"""The whole-book profile: what learning finds, and its JSON."""

import json

import pytest

from shared.text.book_profile import BookProfile, HyphenDecisions, PageSpan
from shared.text.learning import learn_pages
from shared.text.page_layout import Line, PageLayout

SIZE, PITCH, LEFT, RIGHT = 12.0, 14.0, 40.0, 320.0


def page(number: int, texts: list[str], top: float = 500.0) -> PageLayout:
    lines = [Line(text, LEFT, RIGHT, top - i * PITCH, SIZE) for i, text in enumerate(texts)]
    folio = Line(str(number), 175.0, 185.0, 40.0, 9.0)
    return PageLayout(number, 360.0, 560.0, (*lines, folio), SIZE)


PROSE = [
    "Il marchait d'un pas allongé, grelottant sous le coton aminci de sa veste,",
    "et le porteclefs du gardien tintait à chacun de ses pas sur le pavé gris.",
    "Un petit paquet, noué dans un mouchoir à carreaux, le gênait beaucoup ; et il",
    "le serrait contre ses flancs, tantôt d'un coude, tantôt de l'autre, le porte-",
    "clefs toujours à la ceinture, comme un vieux geôlier de la ville basse.",
]


def title_page(number: int) -> PageLayout:
    lines = (
        Line("L'ENLUMINEUR", 140.0, 220.0, 400.0, 18.0),
        Line("roman", 165.0, 195.0, 360.0, SIZE),
    )
    return PageLayout(number, 360.0, 560.0, lines, 18.0)


def test_learning_finds_the_prose_block_the_matter_and_the_books_spelling() -> None:
    pages = [title_page(1), page(2, PROSE), page(3, PROSE), page(4, PROSE)]
    profile, cleaned = learn_pages(pages)
    assert (profile.body_size, profile.line_pitch) == (SIZE, PITCH)
    assert profile.left_edges == (LEFT, LEFT) and profile.right_edges == (RIGHT, RIGHT)
    assert profile.matter == (PageSpan(1, 1, "front_matter"),)
    # The lexicon writes "porte-clefs"; this book writes "porteclefs".
    assert profile.hyphens == HyphenDecisions(joined=frozenset({"porte|clefs"}))
    assert cleaned[1].lines == PROSE and cleaned[1].removed == {"folios": 1}


def test_the_json_is_small_deterministic_and_round_trips() -> None:
    profile, _ = learn_pages([title_page(1), page(2, PROSE), page(3, PROSE)])
    text = profile.to_json()
    assert BookProfile.from_json(text) == profile
    assert text == learn_pages([title_page(1), page(2, PROSE), page(3, PROSE)])[0].to_json()
    assert len(text.encode()) < 1000
    record = json.loads(text)
    record["version"] = 99
    with pytest.raises(ValueError, match="version"):
        BookProfile.from_json(json.dumps(record))


def test_pages_of_endnotes_are_notes() -> None:
    endnotes = [
        "1. Le porteclefs était alors un office de la ville, confié aux plus anciens.",
        "On le voit encore dans les registres de la paroisse jusqu'à la Révolution.",
        "2. Les geôliers de la ville basse portaient la clef à la ceinture.",
    ]
    pages = [page(1, PROSE), page(2, PROSE), page(3, endnotes), page(4, PROSE)]
    profile, cleaned = learn_pages(pages)
    assert profile.page_kind(3) == "notes"
    assert [(note.number, note.page) for note in cleaned[2].notes] == [("1", 3), ("2", 3)]
    assert cleaned[2].notes[0].text.endswith("jusqu'à la Révolution.")
    assert cleaned[2].lines == []
