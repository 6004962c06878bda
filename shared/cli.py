"""Local command: run the text engine on a PDF, no network, no Google account.

python -m shared.cli process BOOK.pdf --limit 8 --format csv --out sentences.csv
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shared.domain.errors import TextEngineError
from shared.domain.sentences import DEFAULT_LIMIT, MAX_LIMIT, MIN_LIMIT, OutputSentence
from shared.export.files import ExportFormat, write_csv, write_json, write_xlsx
from shared.text.pdf_source import DEFAULT_MAX_PAGES
from shared.text.pipeline import RunStats, process_pdf

# Below this many pages a progress bar is noise.
_PROGRESS_MIN_PAGES = 20


def _limit(value: str) -> int:
    number = int(value)
    if not MIN_LIMIT <= number <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be between {MIN_LIMIT} and {MAX_LIMIT}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m shared.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    process = commands.add_parser("process", help="turn a PDF into short sentences")
    process.add_argument("pdf", type=Path, help="the book, as a PDF")
    process.add_argument("--limit", type=_limit, default=DEFAULT_LIMIT, help="max words (3-50)")
    process.add_argument(
        "--format", type=ExportFormat, choices=list(ExportFormat), default=ExportFormat.CSV
    )
    process.add_argument("--out", type=Path, required=True, help="file to write")
    process.add_argument("--first-page", type=int, default=1)
    process.add_argument("--last-page", type=int, default=None)
    process.add_argument("--max-pages", type=int, default=DEFAULT_MAX_PAGES)
    process.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    return parser


def _run(args: argparse.Namespace, console: Console) -> tuple[list[OutputSentence], RunStats]:
    stats = RunStats()
    with Progress(
        TextColumn("[bold]pages"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=args.quiet,
    ) as progress:
        task = progress.add_task("pages", total=None, visible=False)

        def on_page(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, visible=total >= _PROGRESS_MIN_PAGES)

        sentences = list(
            process_pdf(
                args.pdf,
                args.limit,
                first_page=args.first_page,
                last_page=args.last_page,
                max_pages=args.max_pages,
                stats=stats,
                on_page=on_page,
            )
        )
    return sentences, stats


def _write(args: argparse.Namespace, sentences: list[OutputSentence], stats: RunStats) -> None:
    if args.format is ExportFormat.CSV:
        write_csv(sentences, args.out)
    elif args.format is ExportFormat.XLSX:
        write_xlsx(sentences, args.out)
    else:
        write_json(sentences, args.out, {"limit": args.limit, **stats.to_dict()})


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(stderr=True)
    if not args.pdf.is_file():
        console.print(f"[red]error[/red] FILE_NOT_FOUND: no such file: {args.pdf}")
        return 2
    try:
        sentences, stats = _run(args, console)
    except TextEngineError as exc:
        console.print(f"[red]error[/red] {exc.code}: {exc}")
        return 1
    _write(args, sentences, stats)
    if not args.quiet:
        methods = ", ".join(f"{count} {name}" for name, count in sorted(stats.methods.items()))
        console.print(
            f"[green]done[/green] {stats.pages} pages -> {stats.source_sentences} sentences -> "
            f"{stats.output_sentences} sentences of at most {args.limit} words ({methods}) "
            f"in {stats.seconds:.1f} s; wrote {args.out}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
