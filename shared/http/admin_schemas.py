"""The admin routes' queries and answers: the usage report."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, create_model

from shared.http.schemas import Strict
from shared.service.admin_usage import UsageReport

GroupBy = Literal["day", "plan", "team", "user"]


class _UsageQueryFields(Strict):
    group_by: GroupBy = Field(
        default="day", description="day (all use per day), or per plan, team or user each day"
    )

    def days(self) -> tuple[date, date]:
        """The first and last day asked for (`from`, `to`)."""
        first, last = (getattr(self, name) for name in ("from", "to"))
        return first, last


# `from` is a Python keyword: the model is made with it as a field's own name, so the
# query's parameters are its fields, as the router reads and documents them.
if TYPE_CHECKING:
    UsageQuery = _UsageQueryFields
else:
    UsageQuery = create_model(
        "UsageQuery",
        __base__=_UsageQueryFields,
        **{
            "from": (date, Field(description="The first day (YYYY-MM-DD, UTC)")),
            "to": (date, Field(description="The last day, inclusive (at most 366 days)")),
        },
    )


class UsageRowView(BaseModel):
    day: str
    group: str  # "all" by day; else the plan, team or user
    counts: dict[str, int]


class UsageGroupView(BaseModel):
    group: str
    counts: dict[str, int]  # over the whole range


class UsageReportView(BaseModel):
    first_day: str
    last_day: str
    group_by: str
    counters: list[str]  # every counter name the rows hold
    rows: list[UsageRowView]  # by day, then group
    groups: list[UsageGroupView]  # by group
    totals: dict[str, int]

    @classmethod
    def of(cls, report: UsageReport) -> UsageReportView:
        return cls(
            first_day=report.first_day,
            last_day=report.last_day,
            group_by=report.group_by,
            counters=report.counters,
            rows=[
                UsageRowView(day=r.day, group=r.group, counts=dict(r.counts)) for r in report.rows
            ],
            groups=[UsageGroupView(group=g, counts=c) for g, c in report.groups.items()],
            totals=report.totals,
        )
