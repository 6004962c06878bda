"""`make run`: a PDF through the whole local system, as a user's browser would send it.

Starts the local stack, asks the API for an upload URL, PUTs the PDF to it, follows
the job with a progress bar, fetches every sentence, writes them to a CSV file,
prints a summary and stops the stack.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from infra.api_client import ApiClient, ApiError
from infra.local_stack import LocalStack, StackError
from infra.local_stack.product import product_config
from shared.auth import mint_emulator_token
from shared.domain.sentences import DEFAULT_LIMIT, Method, OutputSentence
from shared.export.files import write_csv

LOCAL_USER = "local-reader"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.run_book", description=__doc__)
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="words per sentence")
    parser.add_argument("--out", type=Path, default=Path("sentences.csv"))
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    if not args.pdf.is_file():
        console.print(f"[red]error:[/] no such file: {args.pdf}")
        return 2
    try:
        console.print("starting the local stack (emulators and functions)…")
        with LocalStack(product_config()) as stack:
            project = stack.config.project
            client = ApiClient(
                f"{stack.function_urls['api']}/api/v1", mint_emulator_token(project, LOCAL_USER)
            )
            return _run(client, args.pdf, args.limit, args.out, console)
    except (StackError, ApiError, TimeoutError) as error:
        console.print(f"[red]error:[/] {error}")
        return 1


def _run(client: ApiClient, pdf: Path, limit: int, out: Path, console: Console) -> int:
    data = pdf.read_bytes()
    upload = client.create_upload(pdf.name, len(data), limit)
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
    counts, state = job["counts"], job["progress"]
    console.print(
        f"{len(sentences)} sentences of at most {limit} words from {counts['source_sentences']}"
        f" source sentences, {state['page_count']} pages in {state['chunk_count']} chunks,"
        f" {seconds:.1f} s from upload to completed job -> {out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
