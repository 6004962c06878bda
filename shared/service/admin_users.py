"""What admins do to users: set their plan (the `role` custom claim), each change kept in
the audit log with who made it, when, from and to."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.errors import AdminOnly, InvalidInput
from shared.domain.plans import ADMIN, FREE, PLANS
from shared.domain.users import User
from shared.service.deps import Deps
from shared.service.ports import PlanChange

MAX_UID_LENGTH = 128  # Firebase's longest uid
AUDIT_PAGE = 50


@dataclass(frozen=True, slots=True)
class UserPlan:
    uid: str
    plan: str
    changes: list[PlanChange]


def require_admin(user: User) -> None:
    if user.role != ADMIN:
        raise AdminOnly("Only admins may do this.")


def user_plan(deps: Deps, admin: User, uid: str) -> UserPlan:
    require_admin(admin)
    _check_uid(uid)
    plan = deps.directory.plan_of(uid) or FREE
    return UserPlan(uid, plan, deps.audit.plan_changes(uid, AUDIT_PAGE))


def set_user_plan(deps: Deps, admin: User, uid: str, plan: str) -> UserPlan:
    """Set the user's plan; their next ID token carries it (tokens refresh within the
    hour: until then their current token keeps the old plan)."""
    require_admin(admin)
    _check_uid(uid)
    if plan not in PLANS:
        raise InvalidInput(f"No plan named {plan!r}; plans are {', '.join(PLANS)}.")
    before = deps.directory.plan_of(uid) or FREE
    if before != plan:
        deps.directory.set_plan(uid, plan)
        change = PlanChange(uid, admin.uid, deps.clock(), before, plan)
        deps.audit.record_plan_change(change)
    return UserPlan(uid, plan, deps.audit.plan_changes(uid, AUDIT_PAGE))


def _check_uid(uid: str) -> None:
    if not 1 <= len(uid) <= MAX_UID_LENGTH:
        raise InvalidInput(f"A user id has 1 to {MAX_UID_LENGTH} characters.")
