"""For the local command, which has no task queue to retry it: retry the model a few
times, then let the offline engine stand in, so every sentence is always written."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence

from shared.domain.errors import ModelError
from shared.domain.sentences import OutputSentence, SourceSentence
from shared.gemini.engine import RewriteReport, rewrite_sentences
from shared.gemini.options import RewriteOptions
from shared.gemini.ports import RewriteCache, TextModel
from shared.text.pipeline import RunStats, shorten

WINDOW = 200  # sentences per engine run: a failure costs at most these
ATTEMPTS = 3
BACKOFF_SECONDS = 2.0


def rewrite_with_fallback(
    model: TextModel,
    cache: RewriteCache,
    sentences: Sequence[SourceSentence],
    options: RewriteOptions,
    stats: RunStats,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[list[OutputSentence], RewriteReport, list[str]]:
    """Outputs of every sentence, the summed report, and the errors that forced a fallback."""
    outputs: list[OutputSentence] = []
    total = RewriteReport()
    errors: list[str] = []
    for start in range(0, len(sentences), WINDOW):
        window = sentences[start : start + WINDOW]
        for attempt in range(1, ATTEMPTS + 1):
            try:
                found, report = rewrite_sentences(model, cache, window, options, stats)
            except ModelError as error:
                if error.transient and attempt < ATTEMPTS:
                    sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
                    continue
                errors.append(f"{error.code}: {error.message}")
                flag = error.code.lower()
                found = [
                    OutputSentence(o.text, o.source_index, o.page, o.method, flag)
                    for s in window
                    for o in shorten(s, options.limit, stats)
                ]
                report = RewriteReport(flags=Counter({flag: len(window)}))
            outputs += found
            _add(total, report)
            break
    return outputs, total, errors


def _add(total: RewriteReport, report: RewriteReport) -> None:
    total.usage += report.usage
    total.calls += report.calls
    total.cache_hits += report.cache_hits
    total.sent += report.sent
    total.rewritten += report.rewritten
    total.offline_clean += report.offline_clean
    total.flags.update(report.flags)
