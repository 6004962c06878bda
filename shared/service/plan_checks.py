"""A plan's limits at their points of use: new books (file size, engine, books a day,
jobs at once, batch size), exports, webhook endpoints; and what a user has used today.

Books a day are counted exactly, as processing requests are: one slot per book in a
daily window of the exact rate limiter, taken only once every other check has passed
(a refused upload takes none). Jobs at once are counted from the jobs themselves.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from shared.domain.errors import PlanLimitExceeded
from shared.domain.exports import ExportKind
from shared.domain.jobs import Engine, JobSettings
from shared.domain.plans import PlanLimits, plan_of
from shared.ratelimit import EndpointClass, Quota, RateLimiter
from shared.service.deps import MEBIBYTE, Deps
from shared.service.spaces import Space

DAY_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class PlanUse:
    """What a user has used today of their plan's counted limits. (Jobs at once are
    counted when a job is made, not here: GET /me stays one cheap read.)"""

    books_today: int


def plan_limits(deps: Deps, plan: str) -> PlanLimits:
    return deps.limits.plan(plan)


def settings_within_plan(deps: Deps, plan: str, settings: JobSettings) -> JobSettings:
    """The settings, refused if they name an engine the plan lacks; `auto` picks within it."""
    limits = plan_limits(deps, plan)
    limits.check_engine(plan_of(plan), settings.engine)
    if settings.engine is Engine.AUTO and Engine.GEMINI not in limits.engines:
        return dataclasses.replace(settings, engine=Engine.OFFLINE)
    return settings


def admit_books(deps: Deps, space: Space, sizes: Sequence[int], batch_files: int = 0) -> None:
    """Check new books of these sizes against the space's plan (and a batch that would
    then hold `batch_files`), then count them against the space's books a day."""
    name, limits = space.plan, plan_limits(deps, space.plan)
    for size in sizes:
        limits.check(name, "file_mb", limits.file_mb, math.ceil(size / MEBIBYTE))
    if batch_files:
        limits.check(name, "batch_files", limits.batch_files, batch_files)
    if limits.concurrent_jobs is not None:
        active = deps.jobs.count_active(space.uid)
        limits.check(name, "concurrent_jobs", limits.concurrent_jobs, active + len(sizes))
    if limits.books_per_day is not None:
        _take_books(deps, space.quota_key, name, limits.books_per_day, len(sizes))


def check_export_kind(deps: Deps, plan: str, kind: ExportKind) -> None:
    plan_limits(deps, plan).check_export(plan_of(plan), kind)


def check_webhook_count(deps: Deps, plan: str, current: int) -> None:
    limits = plan_limits(deps, plan)
    limits.check(plan_of(plan), "webhook_endpoints", limits.webhook_endpoints, current + 1)


def plan_use(deps: Deps, owner_uid: str, plan: str) -> PlanUse:
    limits = plan_limits(deps, plan)
    books = 0
    if limits.books_per_day is not None:
        quota = Quota(limits.books_per_day, DAY_SECONDS)
        seen = _limiter(deps).peek(_books_key(owner_uid), quota, deps.clock())
        books = seen.limit - seen.remaining
    return PlanUse(books_today=books)


def _take_books(deps: Deps, quota_key: str, plan: str, per_day: int, books: int) -> None:
    limiter, key = _limiter(deps), _books_key(quota_key)
    quota, now = Quota(per_day, DAY_SECONDS), deps.clock()
    used = per_day - limiter.peek(key, quota, now).remaining
    if used + books > per_day:
        _refuse_books(plan, per_day, used + books)
    for _ in range(books):  # a race with another upload may still end here
        if not limiter.acquire(key, quota, now).allowed:
            _refuse_books(plan, per_day, per_day + 1)


def _refuse_books(plan: str, per_day: int, wanted: int) -> None:
    raise PlanLimitExceeded(
        f"The {plan} plan allows {per_day} books a day; this would make {wanted}.",
        details={"limit": "books_per_day", "value": per_day, "plan": plan, "requested": wanted},
    )


def _limiter(deps: Deps) -> RateLimiter:
    return deps.rate_limiters[EndpointClass.PROCESSING]  # the exact one


def _books_key(owner_uid: str) -> str:
    return f"{owner_uid}:books-per-day"
