from shared.text.validation import check_outputs

SOURCE = "Il cambra sa taille, frisa sa moustache."


def codes(outputs: list[str], limit: int = 4) -> list[str]:
    return [v.code for v in check_outputs(SOURCE, outputs, limit)]


def test_accepts_a_faithful_split_with_a_carried_subject() -> None:
    assert codes(["Il cambra sa taille.", "Il frisa sa moustache."]) == []


def test_rejects_a_sentence_over_the_limit() -> None:
    assert codes(["Il cambra sa taille, frisa sa moustache."]) == ["over_limit"]


def test_rejects_an_empty_sentence() -> None:
    assert "empty" in codes(["Il cambra sa taille.", "« »", "Frisa sa moustache."])


def test_rejects_a_lost_word() -> None:
    assert codes(["Il cambra sa taille.", "Frisa moustache."]) == ["word_lost"]


def test_rejects_an_invented_word() -> None:
    assert codes(["Il cambra sa belle taille.", "Frisa sa moustache."], limit=5) == [
        "word_invented"
    ]


def test_rejects_words_out_of_order() -> None:
    assert codes(["Frisa sa moustache.", "Il cambra sa taille."]) != []
