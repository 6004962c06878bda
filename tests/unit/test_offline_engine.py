import pytest

from shared.domain.words import count_words
from shared.text.offline_engine import split_sentence
from shared.text.validation import check_outputs

PROUST = (
    "Et, une demi-heure après, la pensée qu'il était temps de chercher le sommeil "
    "m'éveillait ; je voulais poser le volume que je croyais avoir encore dans les mains "
    "et souffler ma lumière ; je n'avais pas cessé en dormant de faire des réflexions sur "
    "ce que je venais de lire, mais ces réflexions avaient pris un tour un peu particulier."
)
BELAMI = (
    "Comme il portait beau, par nature et par pose d'ancien sous-officier, il cambra sa "
    "taille, frisa sa moustache d'un geste militaire et familier, et jeta sur les dîneurs "
    "attardés un regard rapide et circulaire."
)


@pytest.mark.parametrize("limit", [3, 5, 8, 12, 20, 50])
@pytest.mark.parametrize("text", [PROUST, BELAMI])
def test_every_piece_keeps_the_limit_and_every_word(text: str, limit: int) -> None:
    texts = [piece.text for piece in split_sentence(text, limit)]
    assert all(1 <= count_words(t) <= limit for t in texts)
    assert check_outputs(text, texts, limit) == []


def test_short_sentence_passes_through_unchanged() -> None:
    pieces = split_sentence("Bientôt minuit.", 8)
    assert [p.text for p in pieces] == ["Bientôt minuit."]


def test_prefers_clause_boundaries() -> None:
    pieces = split_sentence(
        "Cependant ce bâtiment s'avançait ; il avait doublé Pomègue, et il s'avançait lentement.",
        6,
    )
    assert [p.text for p in pieces] == [
        "Cependant ce bâtiment s'avançait.",
        "Il avait doublé Pomègue.",
        "Et il s'avançait lentement.",
    ]
    assert all(p.clause_cut for p in pieces)


def test_carries_the_subject_of_coordinated_verbs() -> None:
    pieces = split_sentence("Il cambra sa taille, frisa sa moustache, jeta un regard.", 4)
    assert [p.text for p in pieces] == [
        "Il cambra sa taille.",
        "Il frisa sa moustache.",
        "Il jeta un regard.",
    ]
    assert [p.carried_subject for p in pieces] == [None, "il", "il"]


def test_does_not_carry_a_subject_into_another_clause() -> None:
    text = "Il avançait, que les curieux, avec cet instinct, se demandaient quel accident arrivait."
    for piece in split_sentence(text, 5):
        assert piece.carried_subject is None


def test_mechanical_cut_when_no_boundary_fits() -> None:
    text = "Un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze."
    pieces = split_sentence(text, 4)
    assert all(count_words(p.text) <= 4 for p in pieces)
    assert not any(p.clause_cut for p in pieces)


def test_never_ends_a_piece_on_an_article_when_it_can_help() -> None:
    text = "Il regardait longtemps la grande maison blanche du vieux notaire de la ville."
    for piece in split_sentence(text, 6):
        assert piece.text.split()[-1].rstrip(".") not in {"la", "le", "du", "de"}


def test_dialogue_and_quotes_stay_readable() -> None:
    text = "— Un grand malheur, monsieur Morrel ! répondit le jeune homme, un grand malheur."
    pieces = [p.text for p in split_sentence(text, 6)]
    assert pieces[0] == "— Un grand malheur, monsieur Morrel !"
    assert pieces[1].startswith("Répondit le jeune homme")
