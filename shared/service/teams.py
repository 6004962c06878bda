"""Teams: make one, read them, invite by e-mail, accept, change roles, remove and leave;
admins set a team's plan.

Membership is read from the team's document on every request (nothing is cached), so
a member removed loses access with their next request. A team a caller is not a
member of answers exactly like a missing one (404): ids reveal nothing. A member who
is not an owner is told an owner's action is not theirs (403).

An invitation's token is shown once, to the owner who makes it; only its SHA-256 is
stored. Accepting it is a compare-and-set on the invitation, so of two accepts at
once exactly one wins; the winner then joins the team (another compare-and-set).
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.domain.errors import (
    Forbidden,
    InvalidInput,
    InviteEmailMismatch,
    InviteExpired,
    InviteInvalid,
    InviteUsed,
    TeamNotFound,
)
from shared.domain.ids import TeamId
from shared.domain.plans import PLANS
from shared.domain.teams import INVITE_LIFETIME, Invite, Team, TeamRole
from shared.domain.users import User
from shared.service.access import member_team
from shared.service.admin_users import AUDIT_PAGE, require_admin
from shared.service.deps import Deps
from shared.service.ports import PlanChange
from shared.service.versioned import update_stored, update_versioned

TOKEN_BYTES = 32
MAX_NAME_LENGTH = 100
# A token is `secrets.token_urlsafe(32)`: 43 characters; anything far longer is not one.
MAX_TOKEN_LENGTH = 256


class InviteStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"


def invite_status(invite: Invite, now: datetime) -> InviteStatus:
    if invite.accepted_by is not None:
        return InviteStatus.ACCEPTED
    return InviteStatus.EXPIRED if now >= invite.expires_at else InviteStatus.PENDING


def token_hash(token: str) -> str:
    """What is stored of an invitation's token (its id): the SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def audit_subject(team_id: TeamId) -> str:
    """The audit log's subject for a team's plan changes."""
    return f"team:{team_id}"


# Teams and their members ---------------------------------------------------------


def create_team(deps: Deps, user: User, name: str) -> Team:
    """A new team, with its maker as its first owner, on the free plan."""
    now = deps.clock()
    team = Team(
        id=TeamId.new(),
        name=_name(name),
        created_at=now,
        updated_at=now,
        members={user.uid: TeamRole.OWNER},
        emails={user.uid: user.email} if user.email else {},
    )
    deps.teams.add(team)
    return team


def teams_of(deps: Deps, uid: str) -> list[Team]:
    """The teams `uid` belongs to, oldest first."""
    return deps.teams.list_for_member(uid)


def team_for_owner(deps: Deps, uid: str, team_id: TeamId) -> Team:
    """The team if `uid` owns it; a member who does not is refused (403)."""
    team = member_team(deps, uid, team_id)
    if team.role_of(uid) is not TeamRole.OWNER:
        raise Forbidden("Only the team's owners may do this.", details={"team_id": team_id})
    return team


def set_role(deps: Deps, uid: str, team_id: TeamId, member_uid: str, role: TeamRole) -> Team:
    """An owner makes a member an owner or a member (the last owner stays one)."""
    team_for_owner(deps, uid, team_id)
    now = deps.clock()

    def change(team: Team) -> Team | None:
        _check_owner(team, uid)
        if team.role_of(member_uid) is role:
            return None  # as it is: nothing to write
        return team.with_role(now, member_uid, role)

    team, _ = _update_team(deps, team_id, change)
    return team


def remove_member(deps: Deps, uid: str, team_id: TeamId, member_uid: str) -> Team:
    """An owner removes a member, or a member leaves (`member_uid` is the caller); the
    team's last owner can do neither. Removing someone not in the team changes nothing."""
    member_team(deps, uid, team_id)
    if member_uid != uid:
        team_for_owner(deps, uid, team_id)
    now = deps.clock()

    def change(team: Team) -> Team:
        if team.role_of(uid) is None:
            raise _no_team(team_id)  # left or was removed meanwhile
        if member_uid != uid:
            _check_owner(team, uid)
        return team.without_member(now, member_uid)

    team, _ = _update_team(deps, team_id, change)
    return team


# Invitations ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewInvite:
    invite: Invite
    token: str  # shown this once; only its hash is kept


def invite(deps: Deps, uid: str, team_id: TeamId, email: str, role: TeamRole) -> NewInvite:
    """An owner invites whoever signs in with `email` (verified) to join as `role`."""
    team = team_for_owner(deps, uid, team_id)
    address = email.strip().lower()
    if "@" not in address:
        raise InvalidInput("An invitation is for an e-mail address.")
    now = deps.clock()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    made = Invite(
        token_hash=token_hash(token),
        team_id=team.id,
        email=address,
        role=role,
        invited_by=uid,
        created_at=now,
        expires_at=now + INVITE_LIFETIME,
    )
    deps.invites.add(made)
    return NewInvite(made, token)


def invites_of(deps: Deps, uid: str, team_id: TeamId) -> list[Invite]:
    """The team's invitations, newest first (owners only)."""
    team_for_owner(deps, uid, team_id)
    return deps.invites.list_for_team(team_id)


def accept_invite(deps: Deps, user: User, token: str) -> Team:
    """The caller joins the invitation's team with its role, if the invitation is for
    their verified e-mail, unexpired and unused."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise _no_invite()
    found = deps.invites.get(token_hash(token))
    if found is None:
        raise _no_invite()
    _check_email(user, found)
    now = deps.clock()
    team = deps.teams.get(found.team_id)
    if team is None:
        raise _no_invite()  # its team is gone
    _check_usable(found, now)
    team.with_member(now, user.uid, _joined_role(team, user.uid, found.role))  # a full team

    def claim(current: Invite) -> Invite:
        _check_usable(current, now)
        return dataclasses.replace(current, accepted_by=user.uid, accepted_at=now)

    claimed, _ = update_versioned(
        lambda: _loaded_invite(deps, found.token_hash), deps.invites.compare_and_set, claim
    )
    try:
        joined, _ = _update_team(
            deps,
            found.team_id,
            lambda current: current.with_member(
                now, user.uid, _joined_role(current, user.uid, found.role), user.email
            ),
        )
    except Exception:
        _release(deps, claimed)  # joining failed (a full team, an outage): try again later
        raise
    return joined


# Plans ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamPlan:
    team: Team
    changes: list[PlanChange]  # newest first


def set_team_plan(deps: Deps, admin: User, team_id: TeamId, plan: str) -> TeamPlan:
    """An admin sets the team's plan; the change is kept in the audit log."""
    require_admin(admin)
    if plan not in PLANS:
        raise InvalidInput(f"No plan named {plan!r}; plans are {', '.join(PLANS)}.")
    now = deps.clock()
    before: list[str] = []  # the plan the change replaced (as last read)

    def change(current: Team) -> Team | None:
        before[:] = [current.plan]
        return (
            None
            if current.plan == plan
            else dataclasses.replace(current, plan=plan, updated_at=now)
        )

    team, changed = _update_team(deps, team_id, change)
    if changed:
        deps.audit.record_plan_change(
            PlanChange(audit_subject(team_id), admin.uid, now, before[0], plan)
        )
    return TeamPlan(team, deps.audit.plan_changes(audit_subject(team_id), AUDIT_PAGE))


# Helpers --------------------------------------------------------------------------


def _update_team(
    deps: Deps, team_id: TeamId, change: Callable[[Team], Team | None]
) -> tuple[Team, bool]:
    return update_stored(deps.teams, team_id, change, lambda: _no_team(team_id))


def _check_owner(team: Team, uid: str) -> None:
    """`uid` is still an owner of the team as it is now (a race may have changed it)."""
    role = team.role_of(uid)
    if role is None:
        raise _no_team(team.id)
    if role is not TeamRole.OWNER:
        raise Forbidden("Only the team's owners may do this.", details={"team_id": team.id})


def _check_email(user: User, invite: Invite) -> None:
    if not user.email_verified or (user.email or "").strip().lower() != invite.email:
        raise InviteEmailMismatch(
            "This invitation is for another e-mail address, or yours is not verified:"
            " sign in with the invited address, verified.",
        )


def _check_usable(invite: Invite, now: datetime) -> None:
    status = invite_status(invite, now)
    if status is InviteStatus.ACCEPTED:
        raise InviteUsed("This invitation has been accepted already.")
    if status is InviteStatus.EXPIRED:
        raise InviteExpired(
            "This invitation has expired; ask the team's owner for a new one.",
            details={"expired_at": invite.expires_at.isoformat()},
        )


def _joined_role(team: Team, uid: str, invited: TeamRole) -> TeamRole:
    """An invitation never demotes: an owner accepting a member's invitation stays one."""
    return TeamRole.OWNER if team.role_of(uid) is TeamRole.OWNER else invited


def _release(deps: Deps, claimed: Invite) -> None:
    """Undo this request's claim of the invitation, if it is still as this request left it."""
    current = deps.invites.get(claimed.token_hash)
    if current is not None and (current.accepted_by, current.accepted_at) == (
        claimed.accepted_by,
        claimed.accepted_at,
    ):
        deps.invites.compare_and_set(
            current, dataclasses.replace(current, accepted_by=None, accepted_at=None)
        )


def _loaded_invite(deps: Deps, hashed: str) -> Invite:
    found = deps.invites.get(hashed)
    if found is None:
        raise _no_invite()
    return found


def _name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= MAX_NAME_LENGTH:
        raise InvalidInput(f"A team's name has 1 to {MAX_NAME_LENGTH} characters.")
    return cleaned


def _no_team(team_id: str) -> TeamNotFound:
    return TeamNotFound("No such team.", details={"team_id": team_id})


def _no_invite() -> InviteInvalid:
    return InviteInvalid("No such invitation.")
