"""The Gemini engine: long sentences rewritten by the model, checked, repaired once, or
replaced by the offline engine's split (flagged). No source sentence is ever dropped.

Cost: sentences within the limit never go to the model, nor (unless `rewrite_all`)
those the offline engine already splits cleanly at clause boundaries with a verb in
every piece; the rest go in batches sized by count and estimated tokens, several
batches at once, with a capped thinking budget; accepted rewrites are cached.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from shared.domain.errors import ModelError
from shared.domain.sentences import Method, OutputSentence, SourceSentence
from shared.domain.words import count_words
from shared.gemini.cache import rewrite_key
from shared.gemini.checks import check_rewrite, has_verb
from shared.gemini.options import RewriteOptions
from shared.gemini.ports import ModelAnswer, ModelRequest, RewriteCache, TextModel, Usage
from shared.gemini.prompt import (
    PROMPT_VERSION,
    RESPONSE_SCHEMA,
    Item,
    batch_prompt,
    repair_prompt,
    system_instruction,
)
from shared.observability.metrics import instruments
from shared.text.pipeline import RunStats, shorten

# A rough count for sizing batches: French prose runs at about 4 characters a token.
CHARS_PER_TOKEN = 4
ITEM_OVERHEAD_TOKENS = 12

DIALOGUE_OPENINGS = ("—", "–", "«", "- ", "“", '"')

BLOCKED = "gemini_blocked"
TRUNCATED = "gemini_truncated"
BAD_JSON = "gemini_bad_json"
FAILED_CHECKS = "gemini_failed_checks"


@dataclass
class RewriteReport:
    usage: Usage = field(default_factory=Usage)
    calls: int = 0
    repair_calls: int = 0
    repair_usage: Usage = field(default_factory=Usage)
    cache_hits: int = 0
    sent: int = 0  # source sentences sent to the model (not counting repairs)
    rewritten: int = 0
    offline_clean: int = 0  # long sentences the offline engine split cleanly
    flags: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count_call(self, answer: ModelAnswer, repair: bool = False) -> None:
        instruments().model_calls.add(1, {"finish_reason": answer.finish_reason, "repair": repair})
        with self._lock:
            self.usage += answer.usage
            self.calls += 1
            if repair:
                self.repair_usage += answer.usage
                self.repair_calls += 1


# What a batch gives back per item id: the accepted sentences, or a flag.
Outcome = list[str] | str


def rewrite_sentences(
    model: TextModel,
    cache: RewriteCache,
    sentences: Iterable[SourceSentence],
    options: RewriteOptions,
    stats: RunStats | None = None,
) -> tuple[list[OutputSentence], RewriteReport]:
    """Every sentence, in order, each output within `options.limit` words.

    Raises a retryable ModelError (rate limit, outage) only after every batch has had
    its chance, so what succeeded is cached for the retry; ModelKeyInvalid at once.
    """
    stats = stats if stats is not None else RunStats()
    report = RewriteReport()
    offline: dict[int, list[OutputSentence]] = {}
    pending: list[SourceSentence] = []
    ordered = list(sentences)
    for sentence in ordered:
        offline[sentence.index] = shorten(sentence, options.limit, stats)
        if needs_model(sentence, offline[sentence.index], options):
            pending.append(sentence)
        elif count_words(sentence.text) > options.limit:
            report.offline_clean += 1
    accepted = _rewrite(model, cache, pending, options, report)
    outputs: list[OutputSentence] = []
    for sentence in ordered:
        outcome = accepted.get(sentence.index)
        if isinstance(outcome, list):
            report.rewritten += 1
            outputs += [
                OutputSentence(text, sentence.index, sentence.page, Method.REWRITTEN)
                for text in outcome
            ]
        elif isinstance(outcome, str):
            report.flags[outcome] += 1
            outputs += [_flagged(o, outcome) for o in offline[sentence.index]]
        else:
            outputs += offline[sentence.index]
    return outputs, report


def _rewrite(
    model: TextModel,
    cache: RewriteCache,
    pending: Sequence[SourceSentence],
    options: RewriteOptions,
    report: RewriteReport,
) -> dict[int, Outcome]:
    def key(sentence: SourceSentence) -> str:
        return rewrite_key(model.model_name, PROMPT_VERSION, options.limit, sentence.text)

    keys = {sentence.index: key(sentence) for sentence in pending}
    cached = cache.get_many(list(dict.fromkeys(keys.values())))
    results: dict[int, Outcome] = {i: cached[k] for i, k in keys.items() if k in cached}
    report.cache_hits = len(results)
    to_send = [s for s in pending if s.index not in results]
    report.sent = len(to_send)
    batcher = _Batch(model, options, report)
    errors: list[ModelError] = []
    with ThreadPoolExecutor(max(1, options.parallel_calls), "gemini") as pool:
        futures = [pool.submit(batcher.run, batch) for batch in plan_batches(to_send, options)]
        for future in futures:
            try:
                outcomes = future.result()
            except ModelError as error:
                errors.append(error)
                continue
            good = {keys[i]: o for i, o in outcomes.items() if isinstance(o, list)}
            if good:
                cache.put_many(good)
            results.update(outcomes)
    if errors:
        raise min(errors, key=lambda error: error.transient)  # a permanent one first
    return results


def estimated_tokens(text: str) -> int:
    """A sentence's tokens as an item of a batch, in or out."""
    return len(text) // CHARS_PER_TOKEN + ITEM_OVERHEAD_TOKENS


def needs_model(
    sentence: SourceSentence, offline: Sequence[OutputSentence], options: RewriteOptions
) -> bool:
    """Whether a sentence goes to the model: over the limit, not already split well, and
    not a line of dialogue the user wants kept verbatim."""
    if count_words(sentence.text) <= options.limit:
        return False
    if options.keep_dialogue and is_dialogue(sentence.text):
        return False
    return options.rewrite_all or not _clean_split(offline)


def is_dialogue(text: str) -> bool:
    return text.lstrip().startswith(DIALOGUE_OPENINGS)


def plan_batches(
    sentences: Sequence[SourceSentence], options: RewriteOptions
) -> list[list[SourceSentence]]:
    batches: list[list[SourceSentence]] = []
    current: list[SourceSentence] = []
    tokens = 0
    for sentence in sentences:
        size = estimated_tokens(sentence.text)
        full = len(current) >= options.batch_max_items or tokens + size > options.batch_max_tokens
        if current and full:
            batches.append(current)
            current, tokens = [], 0
        current.append(sentence)
        tokens += size
    if current:
        batches.append(current)
    return batches


class _Batch:
    def __init__(self, model: TextModel, options: RewriteOptions, report: RewriteReport) -> None:
        self._model, self._options, self._report = model, options, report
        self._system = system_instruction(options.limit)

    def run(self, sentences: Sequence[SourceSentence]) -> dict[int, Outcome]:
        items = [Item(str(position), s.text) for position, s in enumerate(sentences)]
        by_id = {item.id: s.index for item, s in zip(items, sentences, strict=True)}
        return {by_id[item_id]: outcome for item_id, outcome in self._first(items).items()}

    def _first(self, items: Sequence[Item]) -> dict[str, Outcome]:
        answer = self._call(batch_prompt(items, self._options.limit))
        if answer.blocked:  # no blind retry of a block: the offline engine stands in
            return dict.fromkeys((i.id for i in items), BLOCKED)
        parsed = _parse(answer.text)
        if answer.finish_reason == "MAX_TOKENS" or parsed is None:
            if len(items) > 1:  # smaller halves fit the output budget, or isolate the fault
                middle = len(items) // 2
                return {**self._first(items[:middle]), **self._first(items[middle:])}
            flag = TRUNCATED if answer.finish_reason == "MAX_TOKENS" else BAD_JSON
            return {items[0].id: flag}
        outcomes: dict[str, Outcome] = {}
        failures: list[tuple[Item, Sequence[str], str]] = []
        for item in items:
            problems = self._problems(item, parsed.get(item.id))
            if problems:
                failures.append((item, parsed.get(item.id) or [], problems))
            else:
                outcomes[item.id] = parsed[item.id]
        if failures:
            outcomes |= self._repair(failures)
        return outcomes

    def _repair(self, failures: Sequence[tuple[Item, Sequence[str], str]]) -> dict[str, Outcome]:
        """One more request for the failed items, saying what was wrong; then give up."""
        answer = self._call(repair_prompt(failures, self._options.limit), repair=True)
        parsed = (
            None if answer.blocked or answer.finish_reason == "MAX_TOKENS" else _parse(answer.text)
        )
        outcomes: dict[str, Outcome] = {}
        for item, _, _ in failures:
            sentences = (parsed or {}).get(item.id)
            if parsed is not None and not self._problems(item, sentences):
                outcomes[item.id] = sentences  # type: ignore[assignment]
            else:
                outcomes[item.id] = BLOCKED if answer.blocked else FAILED_CHECKS
        return outcomes

    def _problems(self, item: Item, sentences: list[str] | None) -> str:
        if sentences is None:
            return "absente de ta réponse"
        return "; ".join(check_rewrite(item.text, sentences, self._options.limit).problems)

    def _call(self, prompt: str, repair: bool = False) -> ModelAnswer:
        options = self._options
        request = ModelRequest(
            system=self._system,
            prompt=prompt,
            max_output_tokens=options.max_output_tokens,
            response_schema=RESPONSE_SCHEMA,
            temperature=options.temperature,
            thinking_budget=options.thinking_budget,
        )
        try:
            answer = self._model.generate(request)
        except ModelError as error:
            instruments().model_calls.add(1, {"error": error.code, "repair": repair})
            raise
        self._report.count_call(answer, repair)
        return answer


def _parse(text: str) -> dict[str, list[str]] | None:
    """The answer's {id: sentences}, or None when it is not the JSON asked for."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if not isinstance(document, list):
        return None
    parsed: dict[str, list[str]] = {}
    for entry in document:
        if not isinstance(entry, dict):
            return None
        sentences = entry.get("sentences")
        if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences):
            return None
        parsed[str(entry.get("id"))] = [s.strip() for s in sentences if s.strip()]
    return parsed


def _clean_split(outputs: Sequence[OutputSentence]) -> bool:
    """The offline split is as good as a rewrite: clause cuts only, a verb in each piece."""
    return all(o.method is Method.SPLIT and has_verb(o.text) for o in outputs)


def _flagged(output: OutputSentence, flag: str) -> OutputSentence:
    return OutputSentence(output.text, output.source_index, output.page, output.method, flag)
