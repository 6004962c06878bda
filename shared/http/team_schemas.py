"""The team routes' bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.domain.teams import Invite, Team, TeamRole
from shared.http.schemas import PlanChangeView, Strict
from shared.service.teams import MAX_NAME_LENGTH, MAX_TOKEN_LENGTH, InviteStatus, invite_status


class TeamRequest(Strict):
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, pattern=r"^[^\x00-\x1f\x7f]*$")


class InviteRequest(Strict):
    # The address whoever accepts must be signed in with, verified (compared ignoring case).
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    role: TeamRole = TeamRole.MEMBER


class AcceptRequest(Strict):
    token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)


class RoleRequest(Strict):
    role: TeamRole


class MemberView(BaseModel):
    uid: str
    role: TeamRole
    email: str | None  # the verified address they joined with (None for older members)


class TeamSummary(BaseModel):
    team_id: str
    name: str
    plan: str
    role: TeamRole | None  # the caller's
    created_at: datetime

    @classmethod
    def of(cls, team: Team, uid: str) -> TeamSummary:
        return cls(
            team_id=team.id,
            name=team.name,
            plan=team.plan,
            role=team.role_of(uid),
            created_at=team.created_at,
        )


class TeamView(BaseModel):
    team_id: str
    name: str
    plan: str
    role: TeamRole | None  # the caller's
    members: list[MemberView]  # owners first, then by uid
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, team: Team, uid: str) -> TeamView:
        members = sorted(
            team.members.items(), key=lambda item: (item[1] is not TeamRole.OWNER, item[0])
        )
        return cls(
            team_id=team.id,
            name=team.name,
            plan=team.plan,
            role=team.role_of(uid),
            members=[
                MemberView(uid=member, role=role, email=team.emails.get(member))
                for member, role in members
            ],
            created_at=team.created_at,
            updated_at=team.updated_at,
        )


class TeamList(BaseModel):
    teams: list[TeamSummary]  # oldest first


class InviteView(BaseModel):
    team_id: str
    email: str
    role: TeamRole
    status: InviteStatus
    invited_by: str
    created_at: datetime
    expires_at: datetime
    accepted_by: str | None
    accepted_at: datetime | None

    @classmethod
    def of(cls, invite: Invite, now: datetime) -> InviteView:
        return cls(
            team_id=invite.team_id,
            email=invite.email,
            role=invite.role,
            status=invite_status(invite, now),
            invited_by=invite.invited_by,
            created_at=invite.created_at,
            expires_at=invite.expires_at,
            accepted_by=invite.accepted_by,
            accepted_at=invite.accepted_at,
        )


class InviteCreated(BaseModel):
    invite: InviteView
    # Shown this once: whoever accepts sends it to POST /invites/accept (only its hash is kept).
    token: str


class InviteList(BaseModel):
    invites: list[InviteView]  # newest first; no tokens


class TeamPlanView(BaseModel):
    team_id: str
    plan: str
    changes: list[PlanChangeView]  # newest first
