"""Figures of the Gemini path, against a local fake of the Gemini API.

    python -m tests.bench.gemini_stack [--pages 300] [--latency 2.0] [--pages-per-chunk 30]
        [--quick]

1. Speed: a generated novel through the local stack with every model call taking
   `--latency` seconds; the time from the PUT to the completed job against the sum
   of the calls made one after another, and the most calls in flight at once.
2. Cost: tokens sent and received per 1,000 source words, against sending the whole
   text and asking for every sentence back in one go (same token estimate: about 4
   characters a token, as the fake's usage metadata counts).
3. Quality: the corpus through the engine with a model that rewrites most sentences
   well and spoils some (over the limit, or an invented word): the share of outputs
   within the limit and of source sentences represented (both must be 100%).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore

from infra.api_client import local_api_client
from infra.fake_gemini import outcomes
from infra.fake_gemini.outcomes import Behaviour, GenerateCall
from infra.fake_gemini.server import FakeGemini
from infra.local_stack import LocalStack
from infra.local_stack.paths import LOG_DIR
from infra.local_stack.product import product_config
from shared.adapters.firestore_jobs import FirestoreJobRepository
from shared.adapters.genai_model import GenaiModel
from shared.domain.sentences import SourceSentence
from shared.domain.words import count_words
from shared.gemini.cache import MemoryCache
from shared.gemini.engine import rewrite_sentences
from shared.gemini.options import RewriteOptions
from shared.gemini.ports import Usage
from shared.gemini.prompt import system_instruction
from shared.text.offline_engine import split_sentence
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import source_sentences
from tests.bench.arguments import parse_args
from tests.books.builder import Layout, novel, render_pdf
from tests.engine.conftest import anthology

LIMIT = 8
SPOIL_EVERY = 7  # one sentence in this many gets a bad rewrite
QUICK = {"pages": 10, "latency": 0.05, "pages_per_chunk": 5}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.gemini_stack")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--pages-per-chunk", type=int, default=30)
    args = parse_args(parser, argv, QUICK)
    layout = Layout(soft_hyphen_rate=0.2, ligatures=True, seed=3)
    pdf = render_pdf(novel(args.pages, layout=layout), layout).pdf
    report = {
        "speed": _speed(pdf, args.latency, args.pages_per_chunk),
        "cost": _cost(pdf),
        "quality_on_corpus": _quality(),
    }
    print(json.dumps(report, indent=2))


def _speed(pdf: bytes, latency: float, pages_per_chunk: int) -> dict[str, object]:
    with FakeGemini(latency=latency, behaviour=_answering(_faithful)) as fake:
        env = {
            "GEMINI_API_KEY": "bench-key",
            "GOOGLE_GEMINI_BASE_URL": fake.url,
            "FNT_PAGES_PER_CHUNK": str(pages_per_chunk),
        }
        with LocalStack(product_config(env=env, log_dir=LOG_DIR / "bench-gemini")) as stack:
            # Admin: no read quota, which polling a long job would use up.
            client = local_api_client(stack, "bench-reader", role="admin")
            created = client.create_upload("bench.pdf", len(pdf), LIMIT, engine="gemini")
            started = time.perf_counter()
            client.put_file(created, pdf)
            job = client.wait(created["job_id"], timeout=1800, interval=0.2)
            seconds = time.perf_counter() - started
            os.environ.update(stack.env())
            repo = FirestoreJobRepository(
                firestore.Client(project=stack.config.project, credentials=AnonymousCredentials())
            )
            chunks = repo.chunk_records(job["job_id"])
        calls = [call.received_at for call in fake.calls]
    if job["status"] != "completed":
        raise SystemExit(f"the job ended {job['status']}: {job['error']}")
    sequential = len(calls) * latency
    return {
        "pages": job["progress"]["page_count"],
        "chunks": len(chunks),
        "model_calls": len(calls),
        "latency_per_call_seconds": latency,
        "put_to_completed_seconds": round(seconds, 1),
        "calls_one_after_another_seconds": round(sequential, 1),
        "speedup": round(sequential / seconds, 1),
        "most_calls_in_flight": _most_in_flight(calls, latency),
    }


def _most_in_flight(starts: list[float], latency: float) -> int:
    events = sorted([(t, 1) for t in starts] + [(t + latency, -1) for t in starts])
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def _cost(pdf: bytes) -> dict[str, object]:
    sentences = list(source_sentences(open_pdf(pdf)))
    return {f"limit_{limit}": _cost_at(sentences, limit) for limit in (8, 12, 20)}


def _cost_at(sentences: list[SourceSentence], limit: int) -> dict[str, object]:
    """Ours, through the engine, against the whole text in and every sentence out."""
    words = sum(count_words(s.text) for s in sentences)
    with FakeGemini(behaviour=_answering(_faithful)) as fake:
        model = GenaiModel("bench-key", base_url=fake.url)
        outputs, report = rewrite_sentences(model, MemoryCache(), sentences, RewriteOptions(limit))
    whole_text = " ".join(s.text for s in sentences)
    baseline_in = (len(system_instruction(limit)) + len(whole_text)) // 4
    baseline_out = len(json.dumps([o.text for o in outputs], ensure_ascii=False)) // 4
    baseline = baseline_in + baseline_out
    total, repairs = _paid(report.usage), _paid(report.repair_usage)
    long = sum(1 for s in sentences if count_words(s.text) > limit)

    def per_thousand(tokens: int) -> float:
        return round(1000 * tokens / words, 1)

    return {
        "source_words": words,
        "sentences_over_limit": long,
        "sent_to_model": report.sent,
        "split_well_offline_not_sent": report.offline_clean,
        "calls": report.calls,
        "repair_calls": report.repair_calls,
        "thinking_tokens": report.usage.thinking_tokens,
        "baseline_tokens_per_1000_words": per_thousand(baseline),
        "ours_first_pass_tokens_per_1000_words": per_thousand(total - repairs),
        "ours_with_repairs_tokens_per_1000_words": per_thousand(total),
        "ratio_first_pass": round((total - repairs) / baseline, 2),
        "ratio_with_repairs": round(total / baseline, 2),
    }


def _paid(usage: Usage) -> int:
    """Thought tokens are paid as output: the model's minimal thinking counts too."""
    return usage.prompt_tokens + usage.output_tokens + usage.thinking_tokens


def _faithful(call: GenerateCall) -> str:
    """A realistic split of every item: clause cuts, every word kept, in order."""
    return _rewrite(call, spoil=False)


def _mostly_good(call: GenerateCall) -> str:
    """A faithful rewrite for most items; over the limit or inventive for some."""
    return _rewrite(call, spoil=True)


def _rewrite(call: GenerateCall, spoil: bool) -> str:
    answer = []
    for n, item in enumerate(call.items):
        pieces = [piece.text for piece in split_sentence(str(item["text"]), call.limit)]
        if spoil and n % SPOIL_EVERY == 3:
            pieces = [" ".join(pieces)]  # over the limit
        elif spoil and n % SPOIL_EVERY == 5:
            pieces = [*pieces, "Un dragon passa."]  # invented
        answer.append({"id": item["id"], "sentences": pieces})
    return json.dumps(answer, ensure_ascii=False)


def _answering(rewrite: Callable[[GenerateCall], str]) -> Behaviour:
    """Rewrite requests answered by `rewrite`; transcriptions and the rest by default."""
    return lambda call: outcomes.answer_with(rewrite) if call.items else None


def _quality() -> dict[str, object]:
    layout = Layout(soft_hyphen_rate=0.3, ligatures=True, footnotes=True, seed=5)
    sentences = list(source_sentences(open_pdf(render_pdf(anthology(), layout).pdf)))
    with FakeGemini(behaviour=_answering(_mostly_good)) as fake:
        model = GenaiModel("bench-key", base_url=fake.url)
        outputs, report = rewrite_sentences(
            model, MemoryCache(), sentences, RewriteOptions(LIMIT, rewrite_all=True)
        )
    represented = {o.source_index for o in outputs}
    within = sum(1 <= count_words(o.text) <= LIMIT for o in outputs)
    return {
        "source_sentences": len(sentences),
        "output_sentences": len(outputs),
        "within_limit": f"{within / len(outputs):.1%}",
        "sources_represented": f"{len(represented) / len(sentences):.1%}",
        "sent_to_model": report.sent,
        "rewritten": report.rewritten,
        "offline_after_a_failed_rewrite": dict(report.flags),
        "calls_including_repairs": report.calls,
    }


if __name__ == "__main__":
    main()
