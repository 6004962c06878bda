"""The first thing to run after deploying: three small calls to the real Gemini API with
the production code path, and what came back.

    GEMINI_API_KEY=... python -m infra.smoke_gemini [--model M] [--api-version V]

It checks the model exists (models.get), then sends one small plain rewrite, one batch
with the engine's structured output (its prompt and JSON schema), and one two-page
transcription of the sample novel, printing each answer, its finish reason and the
tokens spent. Without a key it says so and exits 0; a failed step exits 1. The model
and API version default to FNT_GEMINI_MODEL and FNT_GEMINI_API_VERSION, else the code's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from shared.adapters.genai_families import API_VERSIONS, DEFAULT_API_VERSION
from shared.adapters.genai_model import GenaiModel
from shared.adapters.secrets import GEMINI_API_KEY_SECRET, EnvSecrets
from shared.domain.errors import AppError
from shared.gemini.cache import MemoryCache
from shared.gemini.checks import check_rewrite
from shared.gemini.engine import RewriteReport
from shared.gemini.ports import DEFAULT_MODEL, ModelAnswer, ModelRequest, Usage
from shared.gemini.prompt import RESPONSE_SCHEMA, Item, batch_prompt, system_instruction
from shared.gemini.transcription import Transcriber
from shared.text.pdf_source import extract_pages

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "sample-novel.pdf"
LIMIT = 8
SENTENCE = (
    "Le vieux marchand de tapis, dont la boutique donnait sur la place du marché depuis"
    " plus de quarante ans, avait vu passer trois guerres sans jamais fermer sa porte."
)

Step = Callable[[GenaiModel], tuple[str, Usage]]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.smoke_gemini", description=__doc__)
    parser.add_argument("--model", default=os.environ.get("FNT_GEMINI_MODEL", DEFAULT_MODEL))
    parser.add_argument(
        "--api-version",
        choices=API_VERSIONS,
        default=os.environ.get("FNT_GEMINI_API_VERSION", DEFAULT_API_VERSION),
    )
    args = parser.parse_args(argv)
    key = EnvSecrets().get(GEMINI_API_KEY_SECRET)
    if key is None:
        print("GEMINI_API_KEY is not set: nothing was sent. Set it to check the real API.")
        return 0
    model = GenaiModel(key, args.model, api_version=args.api_version, timeout_seconds=120)
    print(f"model {args.model}, API version {args.api_version}")
    steps: dict[str, Step] = {
        "model": _model,
        "plain rewrite": _plain_rewrite,
        "structured output": _structured,
        "two-page transcription": _transcription,
    }
    failed = [name for name, step in steps.items() if not _run(name, step, model)]
    print("all steps passed" if not failed else f"failed: {', '.join(failed)}")
    return 1 if failed else 0


def _run(name: str, step: Step, model: GenaiModel) -> bool:
    try:
        shown, usage = step(model)
    except AppError as error:
        print(f"[{name}] {error.code}: {error.message}")
        return False
    print(f"[{name}] {shown}")
    if usage != Usage():
        print(
            f"[{name}] tokens: {usage.prompt_tokens} in, {usage.output_tokens} out,"
            f" {usage.thinking_tokens} thinking"
        )
    return True


def _model(model: GenaiModel) -> tuple[str, Usage]:
    facts = model.describe()
    return f"{facts.name}: {facts.input_tokens} input, {facts.output_tokens} output tokens", Usage()


def _plain_rewrite(model: GenaiModel) -> tuple[str, Usage]:
    answer = model.generate(
        ModelRequest(
            system=system_instruction(LIMIT),
            prompt=f"Réécris cette phrase, une phrase courte par ligne :\n{SENTENCE}",
            max_output_tokens=1024,
        )
    )
    return _finished(answer), answer.usage


def _structured(model: GenaiModel) -> tuple[str, Usage]:
    answer = model.generate(
        ModelRequest(
            system=system_instruction(LIMIT),
            prompt=batch_prompt([Item("0", SENTENCE)], LIMIT),
            max_output_tokens=1024,
            response_schema=RESPONSE_SCHEMA,
        )
    )
    shown = _finished(answer)
    try:
        sentences = json.loads(answer.text)[0]["sentences"]
    except (ValueError, LookupError, TypeError):
        raise _Failed(f"not the JSON asked for: {shown}") from None
    checked = check_rewrite(SENTENCE, sentences, LIMIT)
    verdict = (
        "passes the checks" if checked.ok else f"fails the checks: {'; '.join(checked.problems)}"
    )
    return f"{shown} ({verdict})", answer.usage


def _transcription(model: GenaiModel) -> tuple[str, Usage]:
    report = RewriteReport()
    reader = partial(extract_pages, SAMPLE.read_bytes())
    paragraphs = Transcriber(model, MemoryCache(), reader, "smoke", report).paragraphs(1, 2)
    first = paragraphs[0][:120] if paragraphs else ""
    return f"{len(paragraphs)} paragraphs in {report.calls} call(s); first: {first!r}", report.usage


def _finished(answer: ModelAnswer) -> str:
    if answer.finish_reason != "STOP" or not answer.text.strip():
        raise _Failed(f"finished {answer.finish_reason} with {answer.text!r}")
    return f"STOP: {answer.text.strip()}"


class _Failed(AppError):
    code = "SMOKE_CHECK_FAILED"


if __name__ == "__main__":
    sys.exit(main())
