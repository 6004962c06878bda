"""A generated novel, printed like an edition, on the local stack against the local command.

    python -m tests.bench.stack_pipeline [--pages 300] [--pages-per-chunk 30] [--runs 2]
        [--quick]

Prints, as JSON: the time from the start of the signed-URL PUT to the job's
completion (the trigger's checks and learning of the book's profile, the chunk tasks,
the Firestore writes and the polling included), the text engine alone on the same file
in one process, their ratio, the number of chunks, how many chunks ran at once (from
the start and end times each chunk records), how the stack's sentences and notes
compare with the local command's on the whole book (they must be the same), and the
peak memory of a trigger and of a worker process.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore

from infra.api_client import ApiClient, local_api_client
from infra.local_stack import LocalStack
from infra.local_stack.paths import LOG_DIR
from infra.local_stack.product import product_config
from shared.adapters.firestore_jobs import FirestoreJobRepository
from shared.domain.ids import JobId
from shared.domain.sentences import Note
from shared.service.ports import ChunkRecord
from shared.text.pipeline import process_pdf
from tests.bench.arguments import parse_args
from tests.bench.process_cpu import group_peak_rss_mib
from tests.books.builder import novel, render_pdf
from tests.books.house_styles import PRINTED_STYLES, with_subtitles

SAMPLE = Path(__file__).parents[2] / "samples" / "sample-novel.pdf"
LIMIT = 8
FUNCTIONS = ("function-on_pdf_uploaded", "function-run_task")
QUICK = {"pages": 20, "pages_per_chunk": 10, "runs": 1}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.stack_pipeline")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--pages-per-chunk", type=int, default=30)
    parser.add_argument("--runs", type=int, default=2)
    args = parse_args(parser, argv, QUICK)

    layout = PRINTED_STYLES["edition"]  # the text engine's benchmark prints the same
    pdf = render_pdf(with_subtitles(novel(args.pages, layout=layout)), layout).pdf
    engine = min(_engine_alone(pdf) for _ in range(args.runs + 1))  # +1: a warm-up
    local_notes: list[Note] = []
    local = [s.to_dict() for s in process_pdf(pdf, LIMIT, notes=local_notes)]

    env = {"FNT_PAGES_PER_CHUNK": str(args.pages_per_chunk)}
    with LocalStack(product_config(env=env, log_dir=LOG_DIR / "bench")) as stack:
        # Admin: no read quota, which polling every 20 ms would use up on a long book.
        client = local_api_client(stack, "bench-reader", role="admin")
        _through_stack(client, SAMPLE.read_bytes())  # warm the function instances
        runs = [_through_stack(client, pdf) for _ in range(args.runs)]
        best = min(runs, key=lambda run: run["put_to_completed_seconds"])
        os.environ.update(stack.env())  # the Firestore client finds the emulator there
        repo = FirestoreJobRepository(
            firestore.Client(project=stack.config.project, credentials=AnonymousCredentials())
        )
        records = repo.chunk_records(JobId(str(best["job_id"])))
        served = [
            {k: v for k, v in s.items() if k != "index" and (k != "flag" or v is not None)}
            for s in client.sentences(str(best["job_id"]))
        ]
        served_notes = list(client.notes(str(best["job_id"])))
        functions = {name: stack.pids[name] for name in FUNCTIONS}
        peak_rss = group_peak_rss_mib(functions)

    stack_seconds = float(best["put_to_completed_seconds"])  # type: ignore[arg-type]
    report = {
        "pages": best["pages"],
        "file_mib": round(len(pdf) / 2**20, 2),
        "sentences": best["sentences"],
        "engine_alone_seconds": round(engine, 2),
        "stack_put_to_completed_seconds": round(stack_seconds, 2),
        "ratio_stack_to_engine": round(stack_seconds / engine, 2),
        "put_to_queued_seconds": best["put_to_queued_seconds"],
        "chunks": len(records),
        "pages_per_chunk": args.pages_per_chunk,
        "max_chunks_at_once": _max_overlap(records),
        "chunk_seconds_sum": round(sum(_seconds(r) for r in records), 2),
        "chunk_seconds_max": round(max(_seconds(r) for r in records), 2),
        "all_runs_put_to_completed_seconds": [r["put_to_completed_seconds"] for r in runs],
        "sentences_of_the_local_command": len(local),
        "sentences_differing_from_the_local_command": _differences(served, local),
        "notes": len(served_notes),
        "notes_equal_to_the_local_command": served_notes == [n.to_dict() for n in local_notes],
        "peak_rss_mib_of_a_function_process": peak_rss,
    }
    print(json.dumps(report, indent=2))


def _differences(served: list[dict[str, object]], local: list[dict[str, object]]) -> int:
    """Positions where the two lists differ, each extra or missing sentence counted."""
    return sum(a != b for a, b in zip(served, local, strict=False)) + abs(len(served) - len(local))


def _engine_alone(pdf: bytes) -> float:
    started = time.perf_counter()
    for _ in process_pdf(pdf, LIMIT):
        pass
    return time.perf_counter() - started


def _through_stack(client: ApiClient, pdf: bytes) -> dict[str, object]:
    created = client.create_upload("bench.pdf", len(pdf), LIMIT)
    started = time.perf_counter()
    client.put_file(created, pdf)
    queued_after: list[float] = []

    def note(job: dict[str, object]) -> None:
        if not queued_after and job["status"] != "awaiting_upload":
            queued_after.append(time.perf_counter() - started)

    job = client.wait(created["job_id"], interval=0.02, on_update=note)
    seconds = time.perf_counter() - started
    if job["status"] != "completed":
        raise SystemExit(f"the job ended {job['status']}: {job['error']}")
    return {
        "job_id": job["job_id"],
        "pages": job["progress"]["page_count"],  # type: ignore[index]
        "sentences": job["counts"]["sentences"],  # type: ignore[index]
        "put_to_completed_seconds": round(seconds, 2),
        "put_to_queued_seconds": round(queued_after[0], 2) if queued_after else None,
    }


def _seconds(record: ChunkRecord) -> float:
    return (record.finished_at - record.started_at).total_seconds()


def _max_overlap(records: list[ChunkRecord]) -> int:
    events: list[tuple[datetime, int]] = []
    for record in records:
        events += [(record.started_at, 1), (record.finished_at, -1)]
    running = peak = 0
    for _, step in sorted(events, key=lambda event: (event[0], event[1])):
        running += step
        peak = max(peak, running)
    return peak


if __name__ == "__main__":
    main()
