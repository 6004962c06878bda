"""Local command: run the text engine on a PDF, no network, no Google account.

python -m shared.cli process BOOK.pdf --limit 8 --format csv --out sentences.csv
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shared.domain.errors import TextEngineError
from shared.domain.jobs import Engine
from shared.domain.sentences import DEFAULT_LIMIT, MAX_LIMIT, MIN_LIMIT, OutputSentence
from shared.export.files import ExportFormat, write_csv, write_json, write_xlsx
from shared.gemini.cache import MemoryCache
from shared.gemini.client import GenaiModel
from shared.gemini.engine import RewriteOptions
from shared.gemini.model import DEFAULT_MODEL
from shared.gemini.resilient import rewrite_with_fallback
from shared.gemini.secrets import EnvSecrets
from shared.service.uploads import GeminiNotConfigured
from shared.text.pdf_source import DEFAULT_MAX_PAGES, open_pdf
from shared.text.pipeline import RunStats, process_pdf, source_sentences

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
    process.add_argument(
        "--engine",
        type=Engine,
        choices=list(Engine),
        default=Engine.AUTO,
        help="auto: Gemini when GEMINI_API_KEY is set (GOOGLE_GEMINI_BASE_URL may name a"
        " stand-in server), else offline",
    )
    process.add_argument("--model", default=DEFAULT_MODEL, help="the Gemini model")
    process.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    return parser


def _model(args: argparse.Namespace) -> GenaiModel | None:
    key = EnvSecrets().get("gemini-api-key")
    if args.engine is Engine.OFFLINE or (args.engine is Engine.AUTO and not key):
        return None
    if not key:
        raise GeminiNotConfigured("--engine gemini needs the GEMINI_API_KEY variable.")
    return GenaiModel(key, args.model)


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

        model = _model(args)
        if model is None:
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
        else:
            sentences = _with_gemini(args, model, stats, on_page, console)
    return sentences, stats


def _with_gemini(
    args: argparse.Namespace,
    model: GenaiModel,
    stats: RunStats,
    on_page: Callable[[int, int], None],
    console: Console,
) -> list[OutputSentence]:
    started = time.perf_counter()
    book = open_pdf(args.pdf, max_pages=args.max_pages)
    sources = list(source_sentences(book, args.first_page, args.last_page, stats, on_page))
    options = RewriteOptions(args.limit)
    outputs, report, errors = rewrite_with_fallback(model, MemoryCache(), sources, options, stats)
    for error in dict.fromkeys(errors):
        console.print(f"[yellow]warning[/yellow] {error}; the offline engine stood in")
    stats.source_sentences, stats.output_sentences = len(sources), len(outputs)
    stats.methods.update(str(o.method) for o in outputs)
    stats.seconds = time.perf_counter() - started
    if not args.quiet:
        usage = report.usage
        console.print(
            f"gemini: {report.calls} calls, {usage.prompt_tokens} tokens in, "
            f"{usage.output_tokens} out; {report.rewritten} sentences rewritten, "
            f"{sum(report.flags.values())} by the offline engine after the model failed"
        )
    return outputs


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
    except GeminiNotConfigured as exc:
        console.print(f"[red]error[/red] {exc.code}: {exc.message}")
        return 2
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
