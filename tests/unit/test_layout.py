from shared.text.layout import PageCleaner, RawPage
from shared.text.lines import normalize_line

PROSE = [
    "Il marchait d'un pas allongé, grelottant sous le coton aminci de sa",
    "veste et de son pantalon de velours. Un petit paquet, noué dans un",
    "mouchoir à carreaux, le gênait beaucoup ; et il le serrait contre ses",
]


NAMES = "Étienne Maheu Catherine Zacharie Chaval Bonnemort Souvarine Rasseneur Négrel".split()


def prose(number: int) -> list[str]:
    """Lines that differ from page to page, as prose does."""
    return [f"{NAMES[number % len(NAMES)]} {line}" for line in PROSE]


def page(number: int, header: str | None, body: list[str], footer: str | None) -> RawPage:
    lines = ([header] if header else []) + body + ([footer] if footer else [])
    return RawPage(number, "\n".join(lines))


def clean(pages: list[RawPage]) -> list[list[str]]:
    return [p.lines for p in PageCleaner().clean(pages)]


def test_running_headers_and_page_numbers_go_prose_stays() -> None:
    pages = [
        page(n, "GERMINAL" if n % 2 == 0 else "LA PLAINE RASE", prose(n), str(n))
        for n in range(1, 10)
    ]
    for number, lines in enumerate(clean(pages), start=1):
        assert lines == prose(number)


def test_header_carrying_the_folio_is_recognised_by_its_shape() -> None:
    pages = [page(n, f"{n}  GERMINAL", prose(n), None) for n in range(1, 8)]
    assert clean(pages) == [prose(n) for n in range(1, 8)]


def test_footnotes_and_their_calls_are_removed() -> None:
    body = [PROSE[0], "veste¹ et de son pantalon de velours.", "¹ Note de l'éditeur : un vêtement."]
    [lines] = clean([RawPage(1, "\n".join(body))])
    assert lines == [PROSE[0], "veste et de son pantalon de velours."]


def test_chapter_titles_are_marked_apart_from_prose() -> None:
    [cleaned] = list(PageCleaner().clean([RawPage(1, "CHAPITRE PREMIER\n" + "\n".join(PROSE))]))
    assert cleaned.headings == {0}
    assert cleaned.lines[1:] == PROSE


def test_line_normalization() -> None:
    assert normalize_line("  la ﬁn  du\u00a0ﬂeuve ") == "la fin du fleuve"
    assert normalize_line("fenê\u00adtre ouverte") == "fenêtre ouverte"
    assert normalize_line("la fenê\u00ad") == "la fenê\u00ad"
