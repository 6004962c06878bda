"""The hand-made gold sentence files must keep matching their source texts."""

from __future__ import annotations

import pytest

from tests.books.builder import TEXTS_DIR, corpus_names, load_sentences, load_text


def test_every_text_has_a_gold_file() -> None:
    names = corpus_names()
    assert len(names) >= 7
    for name in names:
        assert (TEXTS_DIR / f"{name}.sentences.txt").is_file(), name


@pytest.mark.parametrize("name", corpus_names())
def test_gold_words_equal_source_words(name: str) -> None:
    source = (TEXTS_DIR / f"{name}.txt").read_text(encoding="utf-8")
    gold = (TEXTS_DIR / f"{name}.sentences.txt").read_text(encoding="utf-8")
    assert gold.split() == source.split()


@pytest.mark.parametrize("name", corpus_names())
def test_gold_sentences_rebuild_the_paragraphs(name: str) -> None:
    """Sentences never cross a paragraph; each paragraph is its sentences joined by a space."""
    text = (TEXTS_DIR / f"{name}.sentences.txt").read_text(encoding="utf-8")
    assert text.endswith("\n") and "\n\n" not in text
    sentences = load_sentences(name)
    assert all(s == s.strip() for s in sentences)
    rebuilt: list[str] = []
    current = ""
    paragraphs = load_text(name)
    for sentence in sentences:
        current = f"{current} {sentence}" if current else sentence
        if len(rebuilt) < len(paragraphs) and current == paragraphs[len(rebuilt)]:
            rebuilt.append(current)
            current = ""
    assert current == ""
    assert rebuilt == paragraphs
