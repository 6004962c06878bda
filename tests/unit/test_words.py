import pytest

from shared.domain.words import count_words, word_keys


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'homme", 1),
        ("Avez-vous vu 1815 ?", 3),
        ("« Je m'endors. »", 2),
        ("— Ah ! c'est vous", 3),
        ("mot ; autre : fin", 3),
        ("", 0),
        ("… — « » : ; !", 0),
        ("trois\u00a0mots\u202fici", 3),
    ],
)
def test_count_words_follows_the_one_definition(text: str, expected: int) -> None:
    assert count_words(text) == expected


def test_word_keys_ignore_case_quotes_and_apostrophe_style() -> None:
    assert word_keys("« L’Homme, dit-il. »") == ["l'homme", "dit-il"]
