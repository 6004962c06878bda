import pytest

from shared.text.segmenter import balance_quotes, split_sentences


def sentences(text: str) -> list[str]:
    return [sentence for _, sentence in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "En 1815, M. Myriel était évêque de Digne. C'était un vieillard.",
            ["En 1815, M. Myriel était évêque de Digne.", "C'était un vieillard."],
        ),
        (
            "— Ah ! c'est vous, Dantès ! cria l'homme. Il partit.",
            ["— Ah ! c'est vous, Dantès ! cria l'homme.", "Il partit."],
        ),
        (
            "je n'avais pas le temps de me dire : « Je m'endors. » Et, une demi-heure après.",
            ["je n'avais pas le temps de me dire : « Je m'endors. »", "Et, une demi-heure après."],
        ),
        ("Bientôt minuit. C'est l'instant.", ["Bientôt minuit.", "C'est l'instant."]),
        (
            "Il attendit… Rien ne vint... Puis il sortit.",
            ["Il attendit…", "Rien ne vint...", "Puis il sortit."],
        ),
        ("Il attendit… et rien ne vint.", ["Il attendit… et rien ne vint."]),
        (
            "Mme Bovary et le Dr Larivière parlaient. Ils riaient.",
            ["Mme Bovary et le Dr Larivière parlaient.", "Ils riaient."],
        ),
        (
            "Il lut J. Verne avec St. Clair. Puis dormit.",
            ["Il lut J. Verne avec St. Clair.", "Puis dormit."],
        ),
        (
            "Phileas Fogg, esq., l'un des membres. Fin.",
            ["Phileas Fogg, esq., l'un des membres.", "Fin."],
        ),
        ("Il compta 3.14 puis 1815. Voilà.", ["Il compta 3.14 puis 1815.", "Voilà."]),
        (
            "Quel bonheur ! Dans un moment il viendra.",
            ["Quel bonheur !", "Dans un moment il viendra."],
        ),
        ("Oui. — Non, dit-il.", ["Oui.", "— Non, dit-il."]),
    ],
)
def test_french_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_offsets_point_at_each_sentence() -> None:
    text = "Un. Deux trois."
    assert [text[offset:].startswith(s) for offset, s in split_sentences(text)] == [True, True]


def test_balance_quotes_closes_and_opens() -> None:
    assert balance_quotes("« Je pars.") == "« Je pars. »"
    assert balance_quotes("Tu restes. »") == "« Tu restes. »"
    assert balance_quotes("« Oui », dit-il.") == "« Oui », dit-il."


def test_narrow_no_break_spaces_are_spaces() -> None:
    text = "Quel bonheur\u202f!\u202fDans un moment\u202f», il viendra."
    assert sentences(text) == ["Quel bonheur\u202f!", "Dans un moment\u202f», il viendra."]
