"""The admin routes: usage analytics, as JSON and as a CSV download."""

from __future__ import annotations

import flask

from shared.entrypoints.api_table import PREFIX, routes
from shared.http.admin_schemas import UsageQuery, UsageReportView
from shared.http.router import Call
from shared.service import admin_usage
from shared.service.deps import Deps


@routes.route(
    "GET", f"{PREFIX}/admin/usage",
    "Usage for a range of days, by day, plan, team or user, with totals (admins only)",
    errors=(403,),
)  # fmt: skip
def admin_usage_report(call: Call[None, UsageQuery], deps: Deps) -> UsageReportView:
    return UsageReportView.of(_report(call, deps))


@routes.route(
    "GET", f"{PREFIX}/admin/usage.csv",
    "The same usage as a CSV file: a row per day and group, a column per counter (admins only)",
    errors=(403,),
)  # fmt: skip
def admin_usage_csv(call: Call[None, UsageQuery], deps: Deps) -> flask.Response:
    report = _report(call, deps)
    filename = admin_usage.csv_filename(report)
    return flask.Response(
        admin_usage.report_csv(report),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _report(call: Call[None, UsageQuery], deps: Deps) -> admin_usage.UsageReport:
    first, last = call.query.days()
    return admin_usage.usage_report(deps, call.user, first, last, call.query.group_by)
