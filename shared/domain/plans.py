"""Plans: what a free, premium or admin user may do. A user's plan is their `role` claim.

Each limit is enforced where it is used, with an error that names it, its value and
the plan (`PLAN_LIMIT_EXCEEDED`). The platform's own limits (`Limits`) still cap every
plan: a plan can only be stricter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from shared.domain.errors import PlanLimitExceeded
from shared.domain.exports import ExportKind
from shared.domain.jobs import Engine

FREE, PREMIUM, ADMIN = "free", "premium", "admin"
PLANS = (FREE, PREMIUM, ADMIN)


@dataclass(frozen=True, slots=True)
class PlanLimits:
    pages_per_book: int
    books_per_day: int | None  # None: no daily cap
    file_mb: int
    batch_files: int
    concurrent_jobs: int | None  # jobs not ended at once; None: no cap
    engines: frozenset[Engine]  # what `engine` may name (auto picks within these)
    export_kinds: frozenset[ExportKind]
    webhook_endpoints: int

    def check(self, plan: str, limit: str, value: int, wanted: int) -> None:
        """Raise PlanLimitExceeded when `wanted` is over the limit's `value`."""
        if wanted > value:
            raise PlanLimitExceeded(
                f"The {plan} plan allows {value} {_NAMES.get(limit, limit)}; this needs {wanted}.",
                details={"limit": limit, "value": value, "plan": plan, "requested": wanted},
            )

    def check_engine(self, plan: str, engine: Engine) -> None:
        if engine is not Engine.AUTO and engine not in self.engines:
            allowed = ", ".join(sorted(str(e) for e in self.engines))
            raise PlanLimitExceeded(
                f"The {plan} plan does not include the {engine} engine (it has: {allowed}).",
                details={"limit": "engines", "value": sorted(map(str, self.engines)), "plan": plan},
            )

    def check_export(self, plan: str, kind: ExportKind) -> None:
        if kind not in self.export_kinds:
            raise PlanLimitExceeded(
                f"The {plan} plan does not include {kind} exports.",
                details={
                    "limit": "export_kinds",
                    "value": sorted(map(str, self.export_kinds)),
                    "plan": plan,
                },
            )


_NAMES = {
    "pages_per_book": "pages per book",
    "books_per_day": "books a day",
    "file_mb": "MB per file",
    "batch_files": "files per batch",
    "concurrent_jobs": "jobs running at once",
    "webhook_endpoints": "webhook endpoints",
}
_EVERY_EXPORT = frozenset(ExportKind)

DEFAULT_PLANS: dict[str, PlanLimits] = {
    FREE: PlanLimits(
        pages_per_book=400,
        books_per_day=10,
        file_mb=20,
        batch_files=10,
        concurrent_jobs=3,
        engines=frozenset({Engine.OFFLINE}),
        export_kinds=_EVERY_EXPORT,
        webhook_endpoints=2,
    ),
    PREMIUM: PlanLimits(
        pages_per_book=2000,
        books_per_day=200,
        file_mb=50,
        batch_files=50,
        concurrent_jobs=20,
        engines=frozenset({Engine.OFFLINE, Engine.GEMINI}),
        export_kinds=_EVERY_EXPORT,
        webhook_endpoints=10,
    ),
    ADMIN: PlanLimits(
        pages_per_book=2000,
        books_per_day=None,
        file_mb=50,
        batch_files=50,
        concurrent_jobs=None,
        engines=frozenset({Engine.OFFLINE, Engine.GEMINI}),
        export_kinds=_EVERY_EXPORT,
        webhook_endpoints=10,
    ),
}


def plans_with(overrides: Mapping[str, Mapping[str, object]]) -> dict[str, PlanLimits]:
    """The default plans with `overrides` (plan -> limit -> value) applied; raises
    ValueError for an unknown plan, limit, engine or export kind, or a bad value."""
    plans = dict(DEFAULT_PLANS)
    for plan, limits in overrides.items():
        if plan not in PLANS:
            raise ValueError(f"no plan named {plan!r} (plans: {', '.join(PLANS)})")
        fields = {f.name for f in dataclasses.fields(PlanLimits)}
        unknown = set(limits) - fields
        if unknown:
            raise ValueError(f"the {plan} plan has no limit {sorted(unknown)}")
        values = dict(limits)
        if "engines" in values:
            values["engines"] = frozenset(Engine(e) for e in _names(values["engines"]))
        if "export_kinds" in values:
            values["export_kinds"] = frozenset(
                ExportKind(k) for k in _names(values["export_kinds"])
            )
        changed = dataclasses.replace(plans[plan], **values)  # type: ignore[arg-type]
        _check(plan, changed)
        plans[plan] = changed
    return plans


def _names(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("engines and export_kinds are lists of names")
    return value


def _check(plan: str, limits: PlanLimits) -> None:
    counts = {
        "pages_per_book": limits.pages_per_book,
        "file_mb": limits.file_mb,
        "batch_files": limits.batch_files,
        "webhook_endpoints": limits.webhook_endpoints,
    }
    optional = {"books_per_day": limits.books_per_day, "concurrent_jobs": limits.concurrent_jobs}
    for name, value in {**counts, **optional}.items():
        if value is None and name in optional:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"the {plan} plan's {name} must be a whole number >= 0")
    if not limits.engines:
        raise ValueError(f"the {plan} plan allows no engine")


def plan_of(role: str | None) -> str:
    """The plan a role claim names; anything else is the least: free."""
    return role if role in PLANS else FREE
