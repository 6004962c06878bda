import pytest

from shared.text.hyphens import join_across_break


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
    ],
)
def test_joins_typesetter_breaks_and_keeps_real_hyphens(
    line: str, next_line: str, joined: str
) -> None:
    assert join_across_break(line, next_line, {}) == joined


def test_the_documents_own_spelling_wins() -> None:
    # An unknown name: the document writes it without a hyphen elsewhere.
    assert join_across_break("chez Calasa-", "reigne", {"calasareigne": 2}) == "chez Calasareigne"
    assert join_across_break("le bric-", "brac", {"bric-brac": 1}) == "le bric-brac"
