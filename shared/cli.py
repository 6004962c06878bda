"""Local commands: run the text engine on a PDF, no network, no Google account; write
the API's OpenAPI document (from which the web app's typed client is generated).

python -m shared.cli process BOOK.pdf --limit 8 --format csv --out sentences.csv
python -m shared.cli openapi --out web/openapi.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shared.adapters.genai_model import GenaiModel
from shared.adapters.secrets import GEMINI_API_KEY_SECRET, EnvSecrets
from shared.domain.errors import GeminiNotConfigured, InvalidInput
from shared.domain.jobs import Engine, JobSettings
from shared.domain.sentences import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MIN_LIMIT,
    Method,
    Note,
    OutputSentence,
)
from shared.exports.files import ExportFormat, write_csv, write_json, write_xlsx
from shared.gemini.cache import MemoryCache
from shared.gemini.options import RewriteOptions
from shared.gemini.ports import DEFAULT_MODEL
from shared.service.engines import Engines, TextEngine
from shared.service.gemini_text_engine import FallbackGeminiEngine, GeminiSetup, GeminiUnavailable
from shared.service.offline_text_engine import OfflineEngine
from shared.text.pdf_basics import DEFAULT_MAX_PAGES
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import RunStats, source_sentences

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
    openapi = commands.add_parser("openapi", help="write the API's OpenAPI document (JSON)")
    openapi.add_argument("--out", type=Path, required=True, help="file to write")
    return parser


def _write_openapi(out: Path) -> None:
    # Imported here: the API's routes pull in the web framework, which `process` needs not.
    from shared.entrypoints.api import PREFIX, routes
    from shared.entrypoints.docs import api_document

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(api_document(routes, PREFIX), indent=1) + "\n", encoding="utf-8")


def _engine(args: argparse.Namespace, console: Console) -> TextEngine:
    """The engine `--engine` names: auto is Gemini when a key is set, else offline."""
    key = EnvSecrets().get(GEMINI_API_KEY_SECRET)
    gemini: TextEngine = GeminiUnavailable()
    if key and args.engine is not Engine.OFFLINE:

        def warn(error: str) -> None:
            console.print(f"[yellow]warning[/yellow] {error}; the offline engine stood in")

        setup = GeminiSetup(GenaiModel(key, args.model), MemoryCache(), RewriteOptions(args.limit))
        gemini = FallbackGeminiEngine(setup, warn)
    return Engines(OfflineEngine(), gemini).for_settings(JobSettings(args.limit, args.engine))


@dataclass(frozen=True, slots=True)
class LocalRun:
    sentences: list[OutputSentence]
    notes: list[Note]
    stats: RunStats


def _run(args: argparse.Namespace, console: Console) -> LocalRun:
    stats = RunStats()
    notes: list[Note] = []
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

        engine = _engine(args, console)
        started = time.perf_counter()
        book = open_pdf(args.pdf, max_pages=args.max_pages)
        pages = (args.first_page, args.last_page)
        sources = list(source_sentences(book, *pages, stats, on_page, notes=notes))
        settings = JobSettings(args.limit, engine.choice.engine)
        output = engine.shorten_sentences(sources, settings, stats)
        stats.seconds = time.perf_counter() - started
    if output.model_calls and not args.quiet:
        rewritten = {o.source_index for o in output.sentences if o.method is Method.REWRITTEN}
        console.print(
            f"gemini: {output.model_calls} calls, {output.usage.prompt_tokens} tokens in, "
            f"{output.usage.output_tokens} out; {len(rewritten)} sentences rewritten, "
            f"{output.flagged} by the offline engine after the model failed"
        )
    return LocalRun(output.sentences, notes, stats)


def _write(args: argparse.Namespace, run: LocalRun) -> None:
    if args.format is ExportFormat.CSV:
        write_csv(run.sentences, args.out)
    elif args.format is ExportFormat.XLSX:
        write_xlsx(run.sentences, args.out)
    else:
        stats = {"limit": args.limit, **run.stats.to_dict()}
        write_json(run.sentences, args.out, stats, run.notes)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "openapi":
        _write_openapi(args.out)
        return 0
    console = Console(stderr=True)
    if not args.pdf.is_file():
        console.print(f"[red]error[/red] FILE_NOT_FOUND: no such file: {args.pdf}")
        return 2
    try:
        run = _run(args, console)
    except GeminiNotConfigured as exc:
        console.print(
            f"[red]error[/red] {exc.code}: --engine gemini needs the GEMINI_API_KEY variable."
        )
        return 2
    except InvalidInput as exc:
        console.print(f"[red]error[/red] {exc.code}: {exc.message}")
        return 1
    _write(args, run)
    if not args.quiet:
        stats = run.stats
        methods = ", ".join(f"{count} {name}" for name, count in sorted(stats.methods.items()))
        console.print(
            f"[green]done[/green] {stats.pages} pages -> {stats.source_sentences} sentences -> "
            f"{stats.output_sentences} sentences of at most {args.limit} words ({methods}) "
            f"in {stats.seconds:.1f} s; wrote {args.out}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
