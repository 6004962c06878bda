"""Benchmark of the text engine: quality on generated printed books, speed and memory.

    python -m tests.bench.text_engine [--pages 300] [--speed-runs 3] [--skip-speed]
        [--skip-anthology] [--skip-verbs] [--quick]

The book: a novel of about 300 pages printed like a real edition (`BENCH_LAYOUT`: front
matter, a table of contents at the end, raised notes three a chapter numbered per page,
drop caps and small caps, chapter subtitles, narrow no-break spaces, soft hyphens,
ligatures, folios in the top's outer corner beside running headers). On it, at N = 8
and 12, for the whole book (the local command) and for the book in 30-page ranges with
its learned profile (the deployed system): sentences within the limit, source words
found in the output in order, words of headers, folios, notes and front, back and
contents pages that leak into the output, words broken at line ends left broken,
compounds that lost a hyphen, word-less sentences, notes found; and whether the ranges
give exactly the whole book's output.

Speed, each in a fresh process: the local command's engine (imports included) against
pypdf's bare text extraction and PDFium's plain text of the same file; its peak memory;
the whole-book profile's learning time and JSON size.

The anthology (every test text, set like a real book): sentence-boundary precision and
recall against the hand-made gold segmentation, and the share of output sentences with
a conjugated verb (spaCy fr_core_news_sm, VerbForm=Fin; `--quick` skips it, so it needs
no spaCy).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

from shared.domain.sentences import Note, OutputSentence
from shared.domain.words import count_words, word_keys
from shared.text.book_profile import BookProfile
from shared.text.learning import learn_book
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import RunStats, process_pdf, source_sentences
from tests.bench.arguments import parse_args
from tests.bench.quality import (
    Alignment,
    boundary_scores,
    broken_compounds,
    broken_words,
    carried_subjects,
    leaks,
    output_keys,
)
from tests.books.builder import (
    Book,
    Chapter,
    RenderedBook,
    corpus_names,
    load_sentences,
    load_text,
    novel,
    render_pdf,
)
from tests.books.house_styles import PRINTED_STYLES, with_subtitles

LIMITS = (8, 12)
CHUNK_PAGES = 30
BENCH_LAYOUT = PRINTED_STYLES["edition"]
ANTHOLOGY_LAYOUT = replace(BENCH_LAYOUT, seed=7)
QUICK = {"pages": 20, "speed_runs": 1, "skip_verbs": True}


def anthology() -> Book:
    chapters = [
        Chapter(f"CHAPITRE {number}", load_text(name))
        for number, name in enumerate(corpus_names(), start=1)
    ]
    return with_subtitles(Book("Premières pages", chapters, author="Anthologie"))


def gold_sentences() -> list[str]:
    return [s for name in corpus_names() for s in load_sentences(name)]


def verb_shares(texts: list[str]) -> dict[str, float]:
    """Sentences with a conjugated verb, by spaCy's tags, read strictly and leniently.

    Strict: a token tagged VerbForm=Fin. Lenient: a VERB or AUX token that spaCy does not
    call an infinitive or a participle. fr_core_news_sm often misses the passé simple
    ("partit", "mourut" tagged as nouns or participles), so both undercount.
    """
    import spacy  # only the benchmark needs a tagger

    nlp = spacy.load("fr_core_news_sm", exclude=["ner", "lemmatizer", "parser"])
    strict = lenient = 0
    for doc in nlp.pipe(texts):
        strict += any("Fin" in token.morph.get("VerbForm") for token in doc)
        lenient += any(
            token.pos_ in ("VERB", "AUX")
            and not set(token.morph.get("VerbForm")) & {"Inf", "Part", "Ger"}
            for token in doc
        )
    return {"strict": round(strict / len(texts), 4), "lenient": round(lenient / len(texts), 4)}


def verb_ceiling(sources: list[str], sentences: list[OutputSentence]) -> float:
    """The best verb share any order-keeping split could reach: a source sentence with
    k conjugated verbs (by spaCy's strict reading) cut into p pieces gives at most
    min(k, p) pieces with a verb."""
    import spacy

    nlp = spacy.load("fr_core_news_sm", exclude=["ner", "lemmatizer", "parser"])
    verbs = [
        sum("Fin" in token.morph.get("VerbForm") for token in doc) for doc in nlp.pipe(sources)
    ]
    pieces = Counter(sentence.source_index for sentence in sentences)
    reachable = sum(min(verbs[index], count) for index, count in pieces.items())
    return round(reachable / len(sentences), 4)


def print_vocabularies(book: Book, rendered: RenderedBook) -> dict[str, set[str]]:
    """The words printed as something other than prose, by kind."""
    pages = PdfReader(io.BytesIO(rendered.pdf)).pages
    matter = {
        key
        for number in rendered.matter_pages
        for key in word_keys(pages[number - 1].extract_text())
    }
    titles = [book.title, book.author]
    titles += [f"{chapter.title} {chapter.subtitle}" for chapter in book.chapters]
    return {
        "headers_and_headings": {key for title in titles for key in word_keys(title)},
        "notes": {key for _, text, _ in rendered.notes for key in word_keys(text)},
        "front_back_and_contents_pages": matter,
    }


def output_quality(
    sentences: list[OutputSentence], limit: int, book: Book, vocabularies: dict[str, set[str]]
) -> dict[str, object]:
    source = [key for paragraph in book.paragraphs for key in word_keys(paragraph)]
    alignment = Alignment.of(source, output_keys(sentences))
    texts = [s.text for s in sentences]
    return {
        "output_sentences": len(sentences),
        "within_limit": sum(1 <= count_words(t) <= limit for t in texts) / len(texts),
        "source_words_kept_in_order": round(alignment.kept_share(), 5),
        "leaked_words": leaks(alignment, vocabularies),
        "words_broken_at_line_ends_not_rejoined": broken_words(alignment),
        "compounds_broken": broken_compounds(alignment),
        "wordless_sentences": sum(count_words(t) == 0 for t in texts),
        "carried_subjects": carried_subjects(alignment),
    }


def printed_book(path: Path, book: Book, rendered: RenderedBook) -> dict[str, object]:
    """Whole book and 30-page ranges with the learned profile, at each limit."""
    vocabularies = print_vocabularies(book, rendered)
    pdf = open_pdf(path)
    started = time.perf_counter()
    profile = BookProfile.from_json(learn_book(pdf).to_json())
    learning = time.perf_counter() - started
    report: dict[str, object] = {
        "pages": rendered.page_count,
        "profile_learning_seconds": round(learning, 2),
        "profile_json_bytes": len(profile.to_json().encode()),
    }
    for limit in LIMITS:
        stats = RunStats()
        notes: list[Note] = []
        whole = list(process_pdf(path, limit, stats=stats, notes=notes))
        chunked: list[OutputSentence] = []
        chunk_notes: list[Note] = []
        for first in range(1, pdf.page_count + 1, CHUNK_PAGES):
            last = min(pdf.page_count, first + CHUNK_PAGES - 1)
            chunked += process_pdf(path, limit, first, last, profile=profile, notes=chunk_notes)
        same = [(s.text, s.page) for s in whole] == [(s.text, s.page) for s in chunked]
        report[f"N={limit}"] = {
            "whole": {
                **output_quality(whole, limit, book, vocabularies),
                "notes_found": len(notes),
                "notes_printed": len(rendered.notes),
                "removed": dict(sorted(stats.removed.items())),
            },
            f"ranges_of_{CHUNK_PAGES}_pages": {
                **output_quality(chunked, limit, book, vocabularies),
                "notes_found": len(chunk_notes),
                "identical_to_whole": same and chunk_notes == notes,
            },
        }
    return report


def anthology_quality(pdf_path: Path, verbs: bool) -> dict[str, object]:
    predicted = [s.text for s in source_sentences(open_pdf(pdf_path))]
    precision, recall = boundary_scores(gold_sentences(), predicted)
    report: dict[str, object] = {
        "boundary_precision": round(precision, 4),
        "boundary_recall": round(recall, 4),
    }
    if verbs:
        sentences = list(process_pdf(pdf_path, 8))
        report["N=8"] = {
            "conjugated_verb_share": verb_shares([s.text for s in sentences]),
            "conjugated_verb_share_ceiling": verb_ceiling(predicted, sentences),
        }
    return report


# Each measure runs in a fresh process: no warm caches, no memory of other work.
_BARE_PYPDF = """
import sys, time
from pypdf import PdfReader
started = time.perf_counter()
for page in PdfReader(sys.argv[1]).pages:
    page.extract_text()
print(time.perf_counter() - started)
"""
_BARE_PDFIUM = """
import sys, time
import pypdfium2
started = time.perf_counter()
document = pypdfium2.PdfDocument(sys.argv[1])
for page in document:
    page.get_textpage().get_text_range()
print(time.perf_counter() - started)
"""
_PIPELINE = """
import resource, sys, time
started = time.perf_counter()
from shared.text.pipeline import process_pdf
count = sum(1 for _ in process_pdf(sys.argv[1], 8))
seconds = time.perf_counter() - started
print(seconds, count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _measure(script: str, path: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True
    )
    return result.stdout.split()


def speed(path: Path, count: int) -> dict[str, object]:
    """The best of `count` runs of each."""
    bare = min(float(_measure(_BARE_PYPDF, path)[0]) for _ in range(count))
    pdfium = min(float(_measure(_BARE_PDFIUM, path)[0]) for _ in range(count))
    runs = [_measure(_PIPELINE, path) for _ in range(count)]
    pipeline = min(float(run[0]) for run in runs)
    return {
        "bare_pypdf_extraction_seconds": round(bare, 2),
        "bare_pdfium_text_seconds": round(pdfium, 2),
        "pipeline_seconds_including_imports": round(pipeline, 2),
        "ratio_to_bare_pypdf_extraction": round(pipeline / bare, 2),
        "output_sentences": int(runs[0][1]),
        "peak_rss_mib": max(int(run[2]) for run in runs),
        "runs": count,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--speed-runs", type=int, default=3)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-anthology", action="store_true")
    parser.add_argument("--skip-verbs", action="store_true", help="no spaCy measures")
    args = parse_args(parser, argv, QUICK)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        report: dict[str, object] = {}
        started = time.perf_counter()
        book = with_subtitles(novel(args.pages, layout=BENCH_LAYOUT))
        rendered = render_pdf(book, BENCH_LAYOUT)
        path = workdir / "novel.pdf"
        path.write_bytes(rendered.pdf)
        report["render_seconds"] = round(time.perf_counter() - started, 2)
        report["file_mib"] = round(len(rendered.pdf) / 2**20, 2)
        if not args.skip_speed:
            report["speed"] = speed(path, args.speed_runs)
        report["printed_novel"] = printed_book(path, book, rendered)
        if not args.skip_anthology:
            anthology_path = workdir / "anthology.pdf"
            anthology_path.write_bytes(render_pdf(anthology(), ANTHOLOGY_LAYOUT).pdf)
            report["anthology"] = anthology_quality(anthology_path, verbs=not args.skip_verbs)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
