"""Write the test books to a folder: ``python -m tests.books.make_books OUTDIR``.

For each text of the corpus: ``<name>.pdf`` (a two-chapter book, house styles taken in
turn from ``LAYOUT_VARIANTS``), ``<name>.txt`` (its paragraphs, one blank line apart) and
``<name>.sentences.txt`` (the gold sentences). Then ``novel.pdf``/``novel.txt``, the
defective files and ``manifest.json`` (pages, layout, where each paragraph landed).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tests.books import builder


def _book_entry(rendered: builder.RenderedBook, layout_name: str, source: str) -> dict[str, Any]:
    return {
        "kind": "book",
        "source": source,
        "pages": rendered.page_count,
        "layout_name": layout_name,
        "layout": asdict(builder.LAYOUT_VARIANTS[layout_name]),
        "chapter_titles": rendered.chapter_titles,
        "chapter_pages": rendered.chapter_pages,
        "footnote_pages": rendered.footnote_pages,
        "paragraph_pages": rendered.paragraph_pages,
    }


def make_books(
    outdir: Path, novel_pages: int = 300, many_pages: int = 1200, seed: int = 0
) -> dict[str, Any]:
    """Write every file to ``outdir`` and return the manifest."""
    outdir.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {}
    variants = list(builder.LAYOUT_VARIANTS)

    for i, name in enumerate(builder.corpus_names()):
        layout_name = variants[i % len(variants)]
        book = builder.sample_book(name)
        rendered = builder.render_pdf(book, builder.LAYOUT_VARIANTS[layout_name])
        (outdir / f"{name}.pdf").write_bytes(rendered.pdf)
        (outdir / f"{name}.txt").write_text(book.source_text(), encoding="utf-8")
        gold = builder.load_sentences(name)
        (outdir / f"{name}.sentences.txt").write_text("\n".join(gold) + "\n", encoding="utf-8")
        manifest[f"{name}.pdf"] = _book_entry(rendered, layout_name, f"{name}.txt")

    if novel_pages > 0:
        layout_name = "notes"
        layout = builder.LAYOUT_VARIANTS[layout_name]
        book = builder.novel(novel_pages, seed=seed, layout=layout)
        rendered = builder.render_pdf(book, layout)
        (outdir / "novel.pdf").write_bytes(rendered.pdf)
        (outdir / "novel.txt").write_text(book.source_text(), encoding="utf-8")
        manifest["novel.pdf"] = _book_entry(rendered, layout_name, "novel.txt")

    defects = {
        "scanned.pdf": (builder.scanned_pdf(), "no text layer (images only)"),
        "encrypted.pdf": (builder.encrypted_pdf(), "needs the user password 'secret'"),
        "owner_only_encrypted.pdf": (
            builder.owner_only_encrypted_pdf(),
            "encrypted with an empty user password: must open",
        ),
        "truncated.pdf": (builder.truncated_pdf(), "cut at 60 % of its bytes"),
        "not_a_pdf.pdf": (builder.not_a_pdf(), "a PNG picture named .pdf"),
        "many_pages.pdf": (builder.many_pages_pdf(many_pages), f"{many_pages} pages"),
    }
    for filename, (data, expect) in defects.items():
        (outdir / filename).write_bytes(data)
        manifest[filename] = {"kind": "defect", "expect": expect}

    (outdir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--novel-pages", type=int, default=300, help="0 to skip the novel")
    parser.add_argument("--many-pages", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = make_books(args.outdir, args.novel_pages, args.many_pages, args.seed)
    elapsed = time.perf_counter() - started
    print(f"wrote {len(manifest)} PDFs to {args.outdir} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
