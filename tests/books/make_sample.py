"""Write the sample book `make run` processes: ``python -m tests.books.make_sample OUT.pdf``."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.books.builder import Layout, novel, render_pdf

SAMPLE_PAGES = 30
SAMPLE_LAYOUT = Layout(soft_hyphen_rate=0.2, ligatures=True, footnotes=True, seed=11)


def main() -> None:
    out = Path(sys.argv[1])
    book = novel(SAMPLE_PAGES, seed=11)
    rendered = render_pdf(book, SAMPLE_LAYOUT)
    out.write_bytes(rendered.pdf)
    out.with_suffix(".txt").write_text(book.source_text(), encoding="utf-8")
    print(f"wrote {out} ({rendered.page_count} pages) and its source text")


if __name__ == "__main__":
    main()
