"""Searching sentences the way a reader types: case, accents, ligatures, apostrophes."""

from __future__ import annotations

import pytest

from shared.domain.text_search import finder, folded


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Il était une fois, en été.", "ete"),
        ("Il était une fois, en été.", "ÉTÉ"),
        ("Son cœur battait.", "coeur"),
        ("Son coeur battait.", "cœur"),
        ("L’homme entra.", "l'homme"),
        ("L'homme entra.", "L’HOMME"),
        ("« Venez\u00a0! » dit-il.", "venez !"),
        ("Ça   ira  bien.", "ca ira"),
    ],
)
def test_a_query_finds_its_words_whatever_their_case_accents_or_typography(
    text: str, query: str
) -> None:
    assert finder(query)(text)


@pytest.mark.parametrize(
    ("text", "query"),
    [("Il était une fois.", "étais"), ("Son cœur battait.", "coeurs"), ("Le chat.", "chien")],
)
def test_a_query_missing_from_the_text_is_not_found(text: str, query: str) -> None:
    assert not finder(query)(text)


def test_folding_keeps_letters_other_than_accents() -> None:
    assert folded("Noël à l’Hôtel-Dieu") == "noel a l'hotel-dieu"
