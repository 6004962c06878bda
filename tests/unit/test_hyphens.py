import pytest

from shared.text.book_profile import HyphenDecisions
from shared.text.hyphens import join_across_break, vocabulary_keeps_hyphen

NO_DECISIONS = HyphenDecisions()


@pytest.mark.parametrize(
    ("line", "next_line", "joined"),
    [
        ("il retour-", "nera demain", "il retournera demain"),
        ("Que se passe-", "t-il donc ?", "Que se passe-t-il donc ?"),
        ("— Avez-", "vous vu ?", "— Avez-vous vu ?"),
        ("ce jour-", "là, il", "ce jour-là, il"),
        ("la vigie de Notre-", "Dame de la Garde", "la vigie de Notre-Dame de la Garde"),
        ("une demi-", "heure après", "une demi-heure après"),
        ("à dix-", "huit ou vingt ans", "à dix-huit ou vingt ans"),
        ("il était sur-", "tout content", "il était surtout content"),
        ("la fenê\u00ad", "tre ouverte", "la fenêtre ouverte"),
        ("un mot", "suivant", "un mot suivant"),
        ("qu'est-", "il donc arrivé", "qu'est-il donc arrivé"),
        ("son habit-", "veste de drap", "son habit-veste de drap"),
        # Compounds keep their hyphens whichever one the line broke at.
        ("un tête-à-", "tête secret", "un tête-à-tête secret"),
        ("un tête-", "à-tête secret", "un tête-à-tête secret"),
        ("au rez-de-", "chaussée, il", "au rez-de-chaussée, il"),
        ("au rez-", "de-chaussée, il", "au rez-de-chaussée, il"),
        ("et là-", "dessous, rien", "et là-dessous, rien"),
        # Words no lexicon holds, and rare ones.
        ("le Langue-", "doc entier", "le Languedoc entier"),
        ("des enlumi-", "nures d'or", "des enluminures d'or"),
        ("sans mou-", "rir ici", "sans mourir ici"),
        ("l'enlumi-", "nure brille", "l'enluminure brille"),
    ],
)
def test_joins_typesetter_breaks_and_keeps_real_hyphens(
    line: str, next_line: str, joined: str
) -> None:
    assert join_across_break(line, next_line, NO_DECISIONS) == joined


def test_the_books_own_spelling_wins() -> None:
    assert vocabulary_keeps_hyphen("Calasa", "reigne", {"calasareigne": 2}) is False
    assert vocabulary_keeps_hyphen("bric", "brac", {"bric-brac": 1}) is True
    assert vocabulary_keeps_hyphen("Pomè", "gue", {}) is None
    # A compound broken at its second hyphen is found by its whole spelling.
    assert vocabulary_keeps_hyphen("Saint-Jean-de", "Luz", {"saint-jean-de-luz": 1}) is True


def test_learned_decisions_overrule_the_rules() -> None:
    joined = HyphenDecisions(joined=frozenset({"porte|clefs"}))
    kept = HyphenDecisions(kept=frozenset({"vau|l"}))
    assert join_across_break("son porte-", "clefs tinta", NO_DECISIONS) == "son porte-clefs tinta"
    assert join_across_break("son porte-", "clefs tinta", joined) == "son porteclefs tinta"
    assert join_across_break("à vau-", "l'eau", kept) == "à vau-l'eau"
