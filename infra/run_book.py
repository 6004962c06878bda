"""`make run`: a PDF through the whole local system, as a user's browser would send it.

Starts the local stack, asks the API for an upload URL, PUTs the PDF to it, follows
the job with a progress bar, fetches every sentence, writes them to a CSV file,
prints a summary and stops the stack.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from infra.api_client import ApiClient, ApiError, local_api_client
from infra.fake_gemini.server import FakeGemini
from infra.local_stack import LocalStack, StackError
from infra.local_stack.product import product_config
from shared.domain.jobs import Engine
from shared.domain.sentences import DEFAULT_LIMIT, Method, OutputSentence
from shared.exports.files import write_csv

LOCAL_USER = "local-reader"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.run_book", description=__doc__)
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="words per sentence")
    parser.add_argument("--out", type=Path, default=Path("sentences.csv"))
    parser.add_argument(
        "--engine",
        choices=[str(e) for e in Engine],
        default=str(Engine.AUTO),
        help="auto: Gemini when GEMINI_API_KEY is set (or with --fake-gemini), else offline",
    )
    parser.add_argument(
        "--fake-gemini",
        action="store_true",
        help="serve a local fake of the Gemini API and use it: the Gemini path without a key",
    )
    parser.add_argument("--fake-latency", type=float, default=0.0, help="seconds per fake call")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    if not args.pdf.is_file():
        console.print(f"[red]error:[/] no such file: {args.pdf}")
        return 2
    try:
        with contextlib.ExitStack() as running:
            env = {}
            if args.fake_gemini:
                fake = running.enter_context(FakeGemini(latency=args.fake_latency))
                env = {"GEMINI_API_KEY": "local-fake-key", "GOOGLE_GEMINI_BASE_URL": fake.url}
                console.print(f"fake Gemini API at {fake.url}")
            console.print("starting the local stack (emulators and functions)…")
            stack = running.enter_context(LocalStack(product_config(env=env)))
            # A premium user: the Gemini engine and books up to the platform's size.
            client = local_api_client(stack, LOCAL_USER, role="premium")
            return _run(client, args.pdf, Engine(args.engine), args.limit, args.out, console)
    except (StackError, ApiError, TimeoutError) as error:
        console.print(f"[red]error:[/] {error}")
        return 1


def _run(
    client: ApiClient, pdf: Path, engine: Engine, limit: int, out: Path, console: Console
) -> int:
    data = pdf.read_bytes()
    upload = client.create_upload(pdf.name, len(data), limit, engine=str(engine))
    job_id = upload["job_id"]
    started = time.perf_counter()
    client.put_file(upload, data)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("pages"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        bar = progress.add_task("queued", total=None)

        def show(job: dict[str, object]) -> None:
            state = job["progress"]
            assert isinstance(state, dict)
            progress.update(
                bar,
                description=str(job["status"]),
                completed=state["pages_done"],
                total=state["page_count"],
            )

        job = client.wait(job_id, on_update=show)
    seconds = time.perf_counter() - started
    if job["status"] != "completed":
        error = job["error"] or {}
        console.print(f"[red]job {job['status']}:[/] {error.get('code')}: {error.get('message')}")
        return 1
    sentences = [
        OutputSentence(s["text"], s["source_index"], s["page"], Method(s["method"]), s["flag"])
        for s in client.sentences(job_id)
    ]
    write_csv(sentences, out)
    counts, state, usage = job["counts"], job["progress"], job["usage"]
    console.print(
        f"{len(sentences)} sentences of at most {limit} words from {counts['source_sentences']}"
        f" source sentences, {state['page_count']} pages in {state['chunk_count']} chunks,"
        f" {seconds:.1f} s from upload to completed job -> {out}"
    )
    if job["engine"] == "gemini":
        methods = Counter(s.method for s in sentences)
        flagged = sum(1 for s in sentences if s.flag)
        console.print(
            f"{usage['model']}: {usage['calls']} calls, {usage['prompt_tokens']} tokens in,"
            f" {usage['output_tokens']} out; {methods[Method.REWRITTEN]} sentences rewritten,"
            f" {flagged} by the offline engine after a failed rewrite"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
