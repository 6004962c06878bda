"""The gate stands whatever the engine does: a faulty split is replaced by a plain cut."""

import pytest

from shared.domain.sentences import Method, SourceSentence
from shared.domain.words import count_words, word_keys
from shared.text import pipeline
from shared.text.offline_engine import Piece
from shared.text.pipeline import RunStats, shorten

SOURCE = SourceSentence(
    3, "Il cambra sa taille, frisa sa moustache et jeta un regard circulaire.", 7
)


@pytest.mark.parametrize(
    "faulty",
    [
        [Piece("Il cambra sa taille, frisa sa moustache et jeta un regard.", True)],  # over
        [Piece("Il cambra sa taille.", True), Piece("Et jeta un regard circulaire.", True)],  # lost
    ],
)
def test_faulty_engine_output_is_repaired(
    monkeypatch: pytest.MonkeyPatch, faulty: list[Piece]
) -> None:
    monkeypatch.setattr(pipeline, "split_sentence", lambda text, limit: faulty)
    stats = RunStats()
    outputs = shorten(SOURCE, 5, stats)
    assert stats.repaired_by_gate == 1
    assert all(o.method == Method.FALLBACK_CUT for o in outputs)
    assert all(1 <= count_words(o.text) <= 5 for o in outputs)
    assert [k for o in outputs for k in word_keys(o.text)] == word_keys(SOURCE.text)
    assert {(o.source_index, o.page) for o in outputs} == {(3, 7)}
