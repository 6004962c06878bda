"""The local command: `python -m shared.cli process BOOK.pdf --limit N --format F --out FILE`."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shared.cli import main
from shared.domain.sentences import Note
from shared.text.pipeline import process_pdf
from tests.books.builder import not_a_pdf

REPO = Path(__file__).resolve().parents[2]


def test_json_output_has_the_stable_shape(book_pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert (
        main(["process", str(book_pdf), "--limit", "8", "--format", "json", "--out", str(out)]) == 0
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert set(document) == {"sentences", "notes", "stats"}
    expected: list[Note] = []
    list(process_pdf(book_pdf, 8, notes=expected))
    assert document["notes"] == [note.to_dict() for note in expected]
    first = document["sentences"][0]
    assert set(first) == {"text", "word_count", "page", "source_index", "method"}
    assert all(s["word_count"] <= 8 for s in document["sentences"])
    assert document["stats"]["output_sentences"] == len(document["sentences"])
    assert document["stats"]["limit"] == 8


def test_csv_and_xlsx_hold_the_same_rows(book_pdf: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx"):
        out = str(tmp_path / f"a.{fmt}")
        assert (
            main(["process", str(book_pdf), "--limit", "12", "--format", fmt, "--out", out, "-q"])
            == 0
        )
    with (tmp_path / "a.csv").open(encoding="utf-8-sig", newline="") as handle:
        csv_rows = list(csv.reader(handle))
    sheet = load_workbook(tmp_path / "a.xlsx", read_only=True)["Sentences"]
    xlsx_rows = [[str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert csv_rows[0] == ["index", "text", "word_count", "page", "source_index", "method"]
    assert csv_rows == xlsx_rows
    assert len(csv_rows) > 50


def test_bad_input_gets_a_code_and_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "book.pdf"
    bad.write_bytes(not_a_pdf())
    assert main(["process", str(bad), "--out", str(tmp_path / "x.csv")]) == 1
    assert "NOT_A_PDF" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
    assert main(["process", str(tmp_path / "missing.pdf"), "--out", str(tmp_path / "x.csv")]) == 2


def test_runs_as_a_module_from_the_repo_root(book_pdf: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "shared.cli",
            "process",
            str(book_pdf),
            "--limit",
            "3",
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "sentences of at most 3 words" in result.stderr.replace("\n", " ")
    assert out.stat().st_size > 0


def test_rejects_a_limit_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["process", "x.pdf", "--limit", "51", "--out", str(tmp_path / "x.csv")])
