"""The admin routes for users: read and set a user's plan, with its audit trail."""

from __future__ import annotations

from pydantic import BaseModel

from shared.entrypoints.api_table import PREFIX, routes
from shared.http.router import Call
from shared.http.schemas import PlanChangeView, PlanRequest
from shared.service import admin_users
from shared.service.deps import Deps


class UserPlanView(BaseModel):
    uid: str
    plan: str
    changes: list[PlanChangeView]  # newest first

    @classmethod
    def of(cls, found: admin_users.UserPlan) -> UserPlanView:
        return cls(
            uid=found.uid, plan=found.plan, changes=[PlanChangeView.of(c) for c in found.changes]
        )


@routes.route(
    "GET", f"{PREFIX}/admin/users/<uid>/plan", "Admins: a user's plan and its changes",
    errors=(403, 404),
)  # fmt: skip
def get_user_plan(call: Call[None, None], deps: Deps) -> UserPlanView:
    return UserPlanView.of(admin_users.user_plan(deps, call.user, call.path["uid"]))


@routes.route(
    "PUT", f"{PREFIX}/admin/users/<uid>/plan", "Admins: set a user's plan (their role claim)",
    errors=(403, 404, 422),
)  # fmt: skip
def put_user_plan(call: Call[PlanRequest, None], deps: Deps) -> UserPlanView:
    found = admin_users.set_user_plan(deps, call.user, call.path["uid"], call.body.plan)
    return UserPlanView.of(found)
