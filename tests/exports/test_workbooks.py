"""A batch's books in one file: sheet titles, an XLSX sheet per book, a ZIP of CSV files."""

from __future__ import annotations

import csv
import io
import random
import unicodedata
import zipfile
from collections.abc import Sequence

import pytest
from openpyxl import load_workbook

from shared.exports.workbooks import (
    CSV_MAX_NAME,
    EXCEL_FORBIDDEN,
    EXCEL_MAX_TITLE,
    SHEETS_MAX_TITLE,
    Table,
    csv_file_names,
    csv_zip_bytes,
    sheet_titles,
    xlsx_workbook_bytes,
)

HEAD = ["#", "Phrase", "Page"]
MONTE_CRISTO = "Le Comte de Monte-Cristo, tome 1.pdf"
# Names of every kind a user's files have, and some no one would give.
NASTY = [
    MONTE_CRISTO,
    "le comte de monte-cristo, TOME 1.PDF",
    "Le Comte de Monte-Cristo, tome 2.pdf",
    "History.pdf",
    "history",
    "",
    "   ",
    ".pdf",
    "'Quoted'.pdf",
    "''",
    "a/b\\c:d*e?f[g]h.pdf",
    "../../etc/passwd",
    ".hidden.pdf",
    "CON.pdf",
    "nul.tome 2.pdf",
    "Com1 .pdf",
    "LPT9",
    "Et puis....pdf",
    "tab\there\nnewline\x00nul\x7fdel\u200bzero-width\ufeffbom.pdf",
    "Les Misérables\u00a0: Cosette.pdf",
    "Cafe\u0301 de l'E\u0301toile.pdf",  # decomposed accents, as macOS names files
    "Café de l'Étoile.pdf",
    "🐘" * 40 + ".pdf",
    "É" * 150,
    "x" * 31,
    "X" * 31 + ".pdf",
    "x" * 40,
    '<>|"?*',
    "Strasse",
    "Straße",
]
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {
    f"{port}{digit}" for port in ("com", "lpt") for digit in "0123456789"
}


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def rows_of(*texts: str) -> list[list[object]]:
    return [[number, text, 1 + number // 10] for number, text in enumerate(texts, start=1)]


# Sheet titles, one kind of name at a time.


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        pytest.param(["Germinal, tome 1.pdf"], ["Germinal, tome 1"], id="extension-dropped"),
        pytest.param(["Germinal.pdf"] * 3, ["Germinal", "Germinal (2)", "Germinal (3)"], id="dup"),
        pytest.param(
            ["Germinal.pdf", "GERMINAL.PDF", "germinal"],
            ["Germinal", "GERMINAL (2)", "germinal (3)"],
            id="case-insensitive-duplicates",
        ),
        pytest.param(
            ["Germinal", "Germinal (2)", "Germinal"],
            ["Germinal", "Germinal (2)", "Germinal (3)"],
            id="a-suffix-already-taken",
        ),
        pytest.param(["History.pdf", "HISTORY"], ["History (2)", "HISTORY (3)"], id="history"),
        pytest.param(["", "  \t ", ".pdf"], ["Livre", "Livre (2)", "Livre (3)"], id="empty"),
        pytest.param(
            ["L'Assommoir: tome [1] / 2?*\\.pdf"],
            ["L'Assommoir_ tome _1_ _ 2___"],
            id="forbidden-characters",
        ),
        pytest.param(["'Quoted'.pdf", "''"], ["Quoted", "Livre"], id="apostrophes-at-the-ends"),
        pytest.param(
            ["Les  Misérables\u00a0:\tCosette\n.pdf"],
            ["Les Misérables _ Cosette"],
            id="whitespace-collapsed",
        ),
        pytest.param(
            ["Nul\x00le\x07 \u200bpart\ufeff.pdf"], ["Nulle part"], id="control-characters"
        ),
        pytest.param(
            ["Œuvre — Éloïse à Noël, «\u00a0Ça\u00a0»"],
            ["Œuvre — Éloïse à Noël, « Ça »"],
            id="accents-kept",
        ),
        pytest.param(["E\u0301te\u0301"], ["Été"], id="accents-composed"),
    ],
)
def test_excel_titles(names: list[str], expected: list[str]) -> None:
    assert sheet_titles(names, EXCEL_MAX_TITLE, EXCEL_FORBIDDEN) == expected


def test_an_over_long_name_keeps_its_start_and_its_last_words() -> None:
    names = [MONTE_CRISTO, MONTE_CRISTO.upper(), MONTE_CRISTO.replace("1", "2")]
    # 32 characters: the volume's number survives the cut to 31.
    assert sheet_titles(names, EXCEL_MAX_TITLE, EXCEL_FORBIDDEN) == [
        "Le Comte de Monte-Cristo…tome 1",
        "LE COMTE DE MONTE-CR…TOME 1 (2)",
        "Le Comte de Monte-Cristo…tome 2",
    ]
    long = "Le Comte de Monte-Cristo, édition intégrale illustrée, tome premier.pdf"
    assert sheet_titles([long], EXCEL_MAX_TITLE) == ["Le Comte de Monte-Crist…premier"]


def test_a_cut_leaves_no_space_or_apostrophe_before_the_ellipsis() -> None:
    name = "Le Comte de l'Île ' au loin, le grand voyage"
    # The start within 26 - 1 - len("voyage"): "Le Comte de l'Île '" without " '".
    assert sheet_titles([name], 26) == ["Le Comte de l'Île…voyage"]
    # The end within 15 // 3 has no word's start: cut in the word.
    assert sheet_titles([name], 15) == ["Le Comte…oyage"]


def test_a_cut_keeps_accents_with_their_letter_and_an_emoji_whole() -> None:
    # x with an acute accent has no composed form: two characters, never parted.
    assert sheet_titles(["Ab" + "x\u0301" * 20], 13) == ["Abx\u0301x\u0301x\u0301…x\u0301x\u0301"]
    # An emoji counts two units, as Excel and Sheets count.
    [title] = sheet_titles(["🐘" * 20], EXCEL_MAX_TITLE)
    assert title == "🐘" * 10 + "…" + "🐘" * 5
    assert utf16_length(title) == 31


def test_titles_of_any_names_follow_the_rules() -> None:
    generator = random.Random(7)
    alphabet = "aAéÉ '.:/\\?*[]\t\x00\u200b🐘" + "History"
    names = [
        *NASTY,
        *("".join(generator.choices(alphabet, k=generator.randrange(60))) for _ in range(300)),
    ]
    for max_length, forbidden in ((EXCEL_MAX_TITLE, EXCEL_FORBIDDEN), (SHEETS_MAX_TITLE, "")):
        titles = sheet_titles(names, max_length, forbidden)
        assert len(titles) == len(names)
        assert len({title.casefold() for title in titles}) == len(titles)
        for title in titles:
            assert 0 < utf16_length(title) <= max_length
            assert not set(title) & set(forbidden)
            assert title == title.strip(" '")
            assert "  " not in title
            assert title.casefold() != "history"
            assert all(unicodedata.category(char)[0] != "C" for char in title)


def test_the_limit_must_leave_room_for_a_suffix() -> None:
    with pytest.raises(ValueError):
        sheet_titles(["Germinal"], 5)
    with pytest.raises(ValueError):
        sheet_titles(["Germinal"], 31, "_")


# XLSX: a sheet per book.


def test_the_workbook_has_a_sheet_per_book_in_order() -> None:
    tables = [
        Table(MONTE_CRISTO, HEAD, rows_of("Il pleuvait.", "« Non ! » dit-il.")),
        Table("le comte de monte-cristo, TOME 1.pdf", HEAD, rows_of("Étienne partit.")),
        Table("History.pdf", HEAD, []),
        Table("Tome 2 : [fin]?.pdf", ["Phrase"], [["Œuvre achevée."], ["Fin."]]),
    ]

    workbook = load_workbook(io.BytesIO(xlsx_workbook_bytes(tables)))

    assert workbook.sheetnames == [
        "Le Comte de Monte-Cristo…tome 1",
        "le comte de monte-cr…TOME 1 (2)",
        "History (2)",
        "Tome 2 _ _fin__",
    ]
    values = [list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets]
    assert values == [
        [tuple(HEAD), (1, "Il pleuvait.", 1), (2, "« Non ! » dit-il.", 1)],
        [tuple(HEAD), (1, "Étienne partit.", 1)],
        [tuple(HEAD)],
        [("Phrase",), ("Œuvre achevée.",), ("Fin.",)],
    ]


def test_cells_stay_text_and_lose_what_xml_cannot_hold() -> None:
    rows: list[list[object]] = [
        [1, "=SOMME(A1:A2)", None],
        [2, "#N/A", 3.5],
        [3, "Fin\x0c de page\x00.", "ligne 1\nligne 2\tet tab"],
    ]

    workbook = load_workbook(io.BytesIO(xlsx_workbook_bytes([Table("Livre.pdf", HEAD, rows)])))

    sheet = workbook["Livre"]
    assert [cell.data_type for cell in sheet[2]][1] == "s"
    assert list(sheet.iter_rows(values_only=True))[1:] == [
        (1, "=SOMME(A1:A2)", None),
        (2, "#N/A", 3.5),
        (3, "Fin de page.", "ligne 1\nligne 2\tet tab"),
    ]


def test_a_workbook_of_no_book_still_opens() -> None:
    workbook = load_workbook(io.BytesIO(xlsx_workbook_bytes([])))
    assert workbook.sheetnames == ["Livre"]


# ZIP: a CSV per book.


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_the_zip_holds_a_csv_per_book_in_order() -> None:
    tables = [
        Table(MONTE_CRISTO, HEAD, rows_of("Il pleuvait, dit-il.", "« Non ! »")),
        Table("le comte de monte-cristo, TOME 1.pdf", HEAD, rows_of('Un "mot".')),
        Table("../Tome: 2?.pdf", ["Phrase"], []),
    ]

    files = read_zip(csv_zip_bytes(tables))

    assert list(files) == [
        "Le Comte de Monte-Cristo, tome 1.csv",
        "le comte de monte-cristo, TOME 1 (2).csv",
        "_Tome_ 2_.csv",
    ]
    for data, table in zip(files.values(), tables, strict=True):
        assert data.startswith(b"\xef\xbb\xbf")  # the BOM: spreadsheet programs read UTF-8
        text = data.decode("utf-8-sig")
        assert list(csv.reader(io.StringIO(text, newline=""))) == [
            list(table.head),
            *([str(cell) for cell in row] for row in table.rows),
        ]


def test_the_zip_is_deflated_and_the_same_tables_give_the_same_bytes() -> None:
    tables = [Table(f"Livre {n}.pdf", HEAD, rows_of("Il pleuvait. " * 50) * 20) for n in (1, 2)]

    first = csv_zip_bytes(tables)

    assert csv_zip_bytes(tables) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        for info in archive.infolist():
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.compress_size < info.file_size
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o644


def test_file_names_are_safe_on_every_system() -> None:
    names = csv_file_names(NASTY)

    assert len({name.casefold() for name in names}) == len(names) == len(NASTY)
    for name in names:
        stem = name.removesuffix(".csv")
        assert name.endswith(".csv") and stem
        assert utf16_length(name) <= CSV_MAX_NAME
        assert not set(name) & set('<>:"/\\|?*')
        assert ".." not in name
        assert stem == stem.strip(" .")
        assert stem.split(".")[0].rstrip(" ").casefold() not in _WINDOWS_DEVICES
        assert all(unicodedata.category(char)[0] != "C" for char in name)


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        pytest.param(
            ["CON.pdf", "nul.tome 2.pdf", "Com1 .pdf"],
            ["CON_", "nul_.tome 2", "Com1_"],
            id="devices",
        ),
        pytest.param(["../../etc/passwd"], ["_._etc_passwd"], id="no-path"),
        pytest.param([".hidden.pdf", "Et puis....pdf"], ["hidden", "Et puis"], id="dots"),
        pytest.param(
            ["Café.pdf", "CAFÉ", "Cafe\u0301"], ["Café", "CAFÉ (2)", "Café (3)"], id="case"
        ),
        pytest.param(["", "History.pdf"], ["Livre", "History"], id="empty-and-history"),
        pytest.param(
            ["É" * 150, "É" * 150],
            ["É" * 63 + "…" + "É" * 32, "É" * 61 + "…" + "É" * 30 + " (2)"],
            id="long",
        ),
    ],
)
def test_file_names(titles: Sequence[str], expected: Sequence[str]) -> None:
    assert csv_file_names(titles) == [f"{stem}.csv" for stem in expected]
