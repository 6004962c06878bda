"""The usage report for admins: the counters of a range of days, by day alone, or by plan,
team or user within each day; their totals; the same as a CSV file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from shared.domain.errors import AdminOnly, InvalidInput
from shared.domain.users import User
from shared.exports.tables import csv_bytes
from shared.service.deps import Deps
from shared.service.ports import UsageRow

ADMIN = "admin"
MAX_DAYS = 366
# What a report groups by, and the counters' dimension that holds it.
DIMENSIONS = {"day": "all", "plan": "plan", "team": "team", "user": "user"}
# Cells a spreadsheet would read as a formula: such a group's name is written as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class UsageReport:
    first_day: str
    last_day: str
    group_by: str
    rows: list[UsageRow]  # by day, then group
    totals: dict[str, int]  # every row's counts added up
    groups: dict[str, dict[str, int]]  # each group's counts over the range (by day: "all")

    @property
    def counters(self) -> list[str]:
        """Every counter name the rows hold, sorted."""
        return sorted({name for row in self.rows for name in row.counts})


def require_admin(user: User) -> None:
    if user.role != ADMIN:
        raise AdminOnly("Only an admin may read usage.", details={"role": user.role})


def usage_report(deps: Deps, user: User, first: date, last: date, group_by: str) -> UsageReport:
    """The counters from `first` to `last` (inclusive, at most 366 days), grouped by day,
    plan, team or user; an admin's only (AdminOnly otherwise)."""
    require_admin(user)
    if group_by not in DIMENSIONS:
        raise InvalidInput(
            f"group_by is one of {', '.join(DIMENSIONS)}.", details={"group_by": group_by[:32]}
        )
    if first > last:
        raise InvalidInput(
            "The range starts after it ends ('from' is after 'to').",
            details={"from": first.isoformat(), "to": last.isoformat()},
        )
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise InvalidInput(
            f"The range spans {days} days; a report covers at most {MAX_DAYS}.",
            details={"days": days, "max_days": MAX_DAYS},
        )
    first_day, last_day = first.isoformat(), last.isoformat()
    rows = deps.usage.rows(first_day, last_day, DIMENSIONS[group_by])
    groups: dict[str, dict[str, int]] = {}
    for row in rows:
        _add(groups.setdefault(row.group, {}), row.counts)
    totals: dict[str, int] = {}
    for counts in groups.values():
        _add(totals, counts)
    return UsageReport(first_day, last_day, group_by, rows, totals, dict(sorted(groups.items())))


def report_csv(report: UsageReport) -> bytes:
    """One row per day and group, one column per counter (sorted); UTF-8 with a BOM, so
    spreadsheet programs read it right. An absent counter is 0."""
    names = report.counters
    rows = (
        [row.day, _as_text(row.group), *(row.counts.get(name, 0) for name in names)]
        for row in report.rows
    )
    return csv_bytes(["day", "group", *names], rows)


def csv_filename(report: UsageReport) -> str:
    return f"usage-{report.group_by}-{report.first_day}-{report.last_day}.csv"


def _add(into: dict[str, int], counts: Mapping[str, int]) -> None:
    for name, value in counts.items():
        into[name] = into.get(name, 0) + value


def _as_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
