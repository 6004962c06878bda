"""Usage counted as work finishes, with increments (never by scanning jobs): per day and per
plan, team and user (`UsageCounters`), and as OpenTelemetry metrics by plan for the
Cloud Monitoring dashboard.

What is counted, by counter name:

- a job's end (`count_job_end`, once per job, on the day it ended): `books`, `completed`,
  `failed`, `cancelled`, `failed:<CODE>`, `pages`, `sentences`, `model_calls`,
  `prompt_tokens`, `output_tokens`, `thinking_tokens` and `cost_micro_usd` (the model's
  cost estimated from the price table, `shared/service/pricing.py`);
- an export done (`count_export`, once per export): `exports:<kind>`;
- API requests admitted (`count_requests`): `requests:<class>` (processing, exports,
  reads). A Firestore write per request would cost more than the request: each instance
  adds them up in memory and writes them (one write a day, each user's, plan's and the
  total's counters once) once
  `usage_flush_requests` requests were counted or `usage_flush_interval` passed, on the
  path of the request that crosses the line (Cloud Functions throttle an instance's CPU
  between requests, so a background thread would not run). The figures are
  approximate: the counts of an instance that stops before its next write are lost, and
  an idle instance's counts wait for its next request.

Ends and exports are announced again after a crash or a redelivered task: their
additions carry a name (`job:<id>`, `export:<id>`) the counters take once.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.domain.exports import Export
from shared.domain.jobs import Job, JobStatus
from shared.domain.users import User
from shared.observability.metrics import instruments
from shared.service.deps import Deps
from shared.service.ports import UsageCounters

log = logging.getLogger(__name__)

BOOKS, PAGES, SENTENCES = "books", "pages", "sentences"
COMPLETED, FAILED, CANCELLED = "completed", "failed", "cancelled"
MODEL_CALLS, PROMPT_TOKENS = "model_calls", "prompt_tokens"
OUTPUT_TOKENS, THINKING_TOKENS = "output_tokens", "thinking_tokens"
COST = "cost_micro_usd"
FAILED_PREFIX, EXPORTS_PREFIX, REQUESTS_PREFIX = "failed:", "exports:", "requests:"


def day_of(moment: datetime) -> str:
    """The UTC day of `moment`, as the counters name it (YYYY-MM-DD)."""
    return moment.astimezone(UTC).date().isoformat()


def groups_of(plan: str, owner_uid: str, team_id: str | None) -> dict[str, str]:
    """The groups a record counts for: its plan, its owner and, in a team's space, its
    team."""
    groups = {"plan": plan, "user": owner_uid}
    if team_id:
        groups["team"] = team_id
    return groups


def job_counts(job: Job, deps: Deps) -> dict[str, int]:
    """What a job that ended adds to its day's counters."""
    counts = {
        BOOKS: 1,
        COMPLETED: int(job.status is JobStatus.COMPLETED),
        FAILED: int(job.status is JobStatus.FAILED),
        CANCELLED: int(job.status is JobStatus.CANCELLED),
        PAGES: job.page_count or 0,
        SENTENCES: job.sentence_count,
        MODEL_CALLS: job.model_calls,
        PROMPT_TOKENS: job.prompt_tokens,
        OUTPUT_TOKENS: job.output_tokens,
        THINKING_TOKENS: job.thinking_tokens,
        COST: deps.limits.model_prices.cost_micro_usd(
            job.model, job.prompt_tokens, job.output_tokens, job.thinking_tokens
        ),
    }
    if job.status is JobStatus.FAILED and job.error is not None:
        counts[FAILED_PREFIX + job.error.code] = 1
    return counts


def count_job_end(deps: Deps, job: Job) -> bool:
    """Count a job that ended, once however often its end is announced; True the first
    time. A job that has not ended counts nothing."""
    if not job.status.is_final:
        return False
    counts = job_counts(job, deps)
    day = day_of(job.completed_at or job.updated_at)
    groups = groups_of(job.plan, job.owner_uid, job.team_id)
    if not deps.usage.add(day, groups, counts, once=f"job:{job.id}"):
        return False
    _record_job_metrics(job, counts)
    return True


def count_export(deps: Deps, export: Export) -> bool:
    """Count an export that is done, once; True the first time."""
    day = day_of(export.finished_at or deps.clock())
    counts = {EXPORTS_PREFIX + str(export.kind): 1}
    groups = groups_of(export.plan, export.owner_uid, export.team_id)
    if not deps.usage.add(day, groups, counts, once=f"export:{export.id}"):
        return False
    instruments().usage_exports.add(1, {"plan": groups["plan"], "kind": str(export.kind)})
    return True


def count_requests(deps: Deps, user: User, rate_class: str) -> None:
    """Count one API request of `user`'s in `rate_class`, admitted by the rate limit; the
    counts are written when enough of them are held (see the module's docstring)."""
    instruments().usage_requests.add(1, {"plan": user.role, "class": str(rate_class)})
    tally = _tally_for(deps.usage, deps.clock())
    tally.count(deps, user, str(rate_class))


def flush_requests(deps: Deps) -> int:
    """Write this instance's request counts now; how many requests that wrote."""
    return _tally_for(deps.usage, deps.clock()).flush(deps)


# Counts of requests not written yet, held in memory per counters (one in production; a
# test's each have their own), each flushed to its own.
_tallies: weakref.WeakKeyDictionary[UsageCounters, RequestTally] = weakref.WeakKeyDictionary()
_tallies_lock = threading.Lock()


def _tally_for(counters: UsageCounters, now: datetime) -> RequestTally:
    with _tallies_lock:
        tally = _tallies.get(counters)
        if tally is None:
            tally = _tallies[counters] = RequestTally(last_flush=now)
        return tally


Key = tuple[str, str, str]  # day, plan, user


@dataclass
class RequestTally:
    """Requests counted since the last write, by day, plan and user, then by counter."""

    last_flush: datetime
    held: dict[Key, dict[str, int]] = field(default_factory=dict)
    requests: int = 0  # held, in all
    flushing: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, deps: Deps, user: User, rate_class: str) -> None:
        now = deps.clock()
        limits = deps.limits
        with self.lock:
            counts = self.held.setdefault((day_of(now), user.role, user.uid), {})
            name = REQUESTS_PREFIX + rate_class
            counts[name] = counts.get(name, 0) + 1
            self.requests += 1
            due = (
                self.requests >= limits.usage_flush_requests
                or now - self.last_flush >= limits.usage_flush_interval
            )
            if not due or self.flushing:
                return
        self.flush(deps)

    def flush(self, deps: Deps) -> int:
        """Write what is held: one addition per day, plan and user (their counts go
        together). One flush at a time; what fails to be written is held for the next."""
        with self.lock:
            if self.flushing:
                return 0
            self.flushing = True
            taken, self.held, written = self.held, {}, self.requests
            self.requests = 0
            self.last_flush = deps.clock()
        try:
            return self._write(deps.usage, taken, written)
        finally:
            with self.lock:
                self.flushing = False

    def _write(self, usage: UsageCounters, taken: Mapping[Key, dict[str, int]], total: int) -> int:
        """One write a day: each user's counts, each plan's and the total, each once."""
        pending = dict(taken)
        try:
            for day in sorted({key[0] for key in taken}):
                held = {key: counts for key, counts in taken.items() if key[0] == day}
                usage.add_groups(day, _by_group(held))
                for key in held:
                    del pending[key]
        except Exception:  # counting must never fail the request that happened to flush
            log.warning("usage: request counts not written; kept for the next flush", exc_info=True)
            self._keep(pending)
            return total - sum(sum(counts.values()) for counts in pending.values())
        return total

    def _keep(self, pending: Mapping[Key, dict[str, int]]) -> None:
        with self.lock:
            for key, counts in pending.items():
                mine = self.held.setdefault(key, {})
                for name, value in counts.items():
                    mine[name] = mine.get(name, 0) + value
                self.requests += sum(counts.values())


def _by_group(held: Mapping[Key, Mapping[str, int]]) -> dict[tuple[str, str], dict[str, int]]:
    """A day's held counts summed per group: each user, each plan, and all."""
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for (_, plan, uid), counts in held.items():
        for group in (("user", uid), ("plan", plan), ("all", "all")):
            mine = groups.setdefault(group, {})
            for name, value in counts.items():
                mine[name] = mine.get(name, 0) + value
    return groups


def _record_job_metrics(job: Job, counts: Mapping[str, int]) -> None:
    metrics = instruments()
    plan = job.plan
    attributes = {"plan": plan, "status": str(job.status)}
    metrics.usage_books.add(1, attributes)
    metrics.usage_pages.add(counts[PAGES], {"plan": plan})
    metrics.usage_sentences.add(counts[SENTENCES], {"plan": plan})
    for kind, name in (
        ("prompt", PROMPT_TOKENS),
        ("output", OUTPUT_TOKENS),
        ("thinking", THINKING_TOKENS),
    ):
        if counts[name]:
            metrics.usage_model_tokens.add(counts[name], {"plan": plan, "kind": kind})
    if counts[COST]:
        metrics.usage_cost.add(counts[COST], {"plan": plan})
    if job.status is JobStatus.FAILED and job.error is not None:
        metrics.usage_failures.add(1, {"plan": plan, "code": job.error.code})
