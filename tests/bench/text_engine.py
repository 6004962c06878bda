"""Benchmark of the text engine: quality on generated test books, speed and memory.

    python -m tests.bench.text_engine [--pages 300] [--skip-speed]

Quality (N = 8 and 12) on a book made of every text in tests/books/texts, laid out like
a real book (running headers, page numbers, hyphenation, soft hyphens, ligatures, a
footnote, dialogue, chapter titles): share of sentences within the limit, share of
source words found in the output in order, share of sentences with a conjugated verb
(spaCy fr_core_news_sm, VerbForm=Fin), furniture leaks, dehyphenation errors, and
sentence-boundary precision/recall against the hand-made gold segmentation.
Speed on a generated novel: the pipeline against pypdf's bare text extraction, and the
peak memory of a process running the pipeline alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from shared.domain.sentences import OutputSentence
from shared.domain.words import count_words, word_keys
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import RunStats, process_pdf, source_sentences
from tests.bench.quality import (
    Alignment,
    boundary_scores,
    carried_subjects,
    dehyphenation_errors,
    furniture_leaks,
    output_keys,
)
from tests.books.builder import (
    Book,
    Chapter,
    Layout,
    corpus_names,
    load_sentences,
    load_text,
    novel,
    render_pdf,
)

LIMITS = (8, 12)
BOOK_LAYOUT = Layout(soft_hyphen_rate=0.3, ligatures=True, footnotes=True, seed=7)


def anthology() -> Book:
    chapters = [
        Chapter(f"CHAPITRE {number}", load_text(name))
        for number, name in enumerate(corpus_names(), start=1)
    ]
    return Book("Premières pages", chapters, author="Anthologie")


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


def quality(pdf_path: Path, book: Book) -> dict[str, object]:
    source = [key for paragraph in book.paragraphs for key in word_keys(paragraph)]
    furniture = {
        key
        for title in [book.title, *(chapter.title for chapter in book.chapters)]
        for key in word_keys(title)
    }
    report: dict[str, object] = {}
    predicted = [s.text for s in source_sentences(open_pdf(pdf_path))]
    precision, recall = boundary_scores(gold_sentences(), predicted)
    report["boundary_precision"] = round(precision, 4)
    report["boundary_recall"] = round(recall, 4)
    for limit in LIMITS:
        stats = RunStats()
        sentences = list(process_pdf(pdf_path, limit, stats=stats))
        alignment = Alignment.of(source, output_keys(sentences))
        texts = [s.text for s in sentences]
        report[f"N={limit}"] = {
            "output_sentences": len(sentences),
            "within_limit": sum(count_words(t) <= limit for t in texts) / len(texts),
            "source_words_kept_in_order": round(alignment.kept_share(), 4),
            "conjugated_verb_share": verb_shares(texts),
            "conjugated_verb_share_ceiling": verb_ceiling(predicted, sentences),
            "furniture_leaks": furniture_leaks(alignment, furniture),
            "dehyphenation_errors": dehyphenation_errors(alignment),
            "carried_subjects": carried_subjects(alignment),
            "methods": dict(stats.methods),
        }
    return report


# Each measure runs in a fresh process: no warm caches, no memory of other work.
_BARE_EXTRACTION = """
import sys, time
from pypdf import PdfReader
started = time.perf_counter()
for page in PdfReader(sys.argv[1]).pages:
    page.extract_text()
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
_RUNS = 2


def _measure(script: str, path: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True
    )
    return result.stdout.split()


def speed(pages: int, workdir: Path) -> dict[str, object]:
    layout = Layout(soft_hyphen_rate=0.2, ligatures=True, seed=3)
    started = time.perf_counter()
    rendered = render_pdf(novel(pages, layout=layout), layout)
    path = workdir / "novel.pdf"
    path.write_bytes(rendered.pdf)
    render_seconds = time.perf_counter() - started

    bare = min(float(_measure(_BARE_EXTRACTION, path)[0]) for _ in range(_RUNS))
    runs = [_measure(_PIPELINE, path) for _ in range(_RUNS)]
    pipeline = min(float(run[0]) for run in runs)
    return {
        "pages": rendered.page_count,
        "file_mib": round(len(rendered.pdf) / 2**20, 2),
        "render_seconds": round(render_seconds, 2),
        "bare_pypdf_extraction_seconds": round(bare, 2),
        "pipeline_seconds_including_imports": round(pipeline, 2),
        "ratio_to_bare_extraction": round(pipeline / bare, 2),
        "output_sentences": int(runs[0][1]),
        "peak_rss_mib": max(int(run[2]) for run in runs),
        "runs": _RUNS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        report: dict[str, object] = {}
        if not args.skip_speed:
            report["speed"] = speed(args.pages, workdir)
        book = anthology()
        pdf_path = workdir / "anthology.pdf"
        pdf_path.write_bytes(render_pdf(book, BOOK_LAYOUT).pdf)
        report["quality"] = quality(pdf_path, book)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
