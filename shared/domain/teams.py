"""Teams: shared spaces of jobs, batches and exports, and the one policy that decides
every access to a resource.

A resource is in its creator's own space or in a team's. In a team's space every
member reads; members create and export; the creator and the team's owners delete; a
member's access ends the moment they leave the team. Whoever may not read a resource
is told it does not exist (404), so ids reveal nothing; whoever may read it but not do
this to it is told so (403).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from shared.domain.errors import Conflict, Forbidden, InvalidInput, LastOwner
from shared.domain.ids import TeamId

INVITE_LIFETIME = timedelta(days=7)
MAX_MEMBERS = 100


class TeamRole(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class Action(StrEnum):
    READ = "read"  # see it, its sentences, notes and exports
    CREATE = "create"  # new jobs and batches in the space (retry and duplicate too)
    EXPORT = "export"
    CANCEL = "cancel"  # like delete: its creator's or an owner's to end
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Team:
    id: TeamId
    name: str
    created_at: datetime
    updated_at: datetime
    members: Mapping[str, TeamRole] = field(default_factory=dict)  # uid -> role
    plan: str = "free"  # the limits of work in the team's space
    # uid -> the verified e-mail a member joined with (their invitation's), so members
    # see one another by address rather than by id.
    emails: Mapping[str, str] = field(default_factory=dict)
    version: object = field(default=None, compare=False)

    def role_of(self, uid: str) -> TeamRole | None:
        return self.members.get(uid)

    @property
    def owners(self) -> list[str]:
        return [uid for uid, role in self.members.items() if role is TeamRole.OWNER]

    def with_member(
        self, now: datetime, uid: str, role: TeamRole, email: str | None = None
    ) -> Team:
        if uid not in self.members and len(self.members) >= MAX_MEMBERS:
            raise Conflict(f"A team has at most {MAX_MEMBERS} members.")
        emails = {**self.emails, uid: email} if email else self.emails
        return self._with({**self.members, uid: role}, now, emails)

    def without_member(self, now: datetime, uid: str) -> Team:
        if uid not in self.members:
            return self
        self._keep_an_owner(uid)
        members = {m: r for m, r in self.members.items() if m != uid}
        return self._with(members, now, {m: e for m, e in self.emails.items() if m != uid})

    def with_role(self, now: datetime, uid: str, role: TeamRole) -> Team:
        if uid not in self.members:
            raise InvalidInput("That user is not a member of the team.")
        if role is not TeamRole.OWNER:
            self._keep_an_owner(uid)
        return self._with({**self.members, uid: role}, now)

    def _keep_an_owner(self, uid: str) -> None:
        if self.owners == [uid]:
            raise LastOwner(
                "The team's last owner cannot leave or stop being an owner; make another"
                " member an owner first."
            )

    def _with(
        self,
        members: Mapping[str, TeamRole],
        now: datetime,
        emails: Mapping[str, str] | None = None,
    ) -> Team:
        emails = self.emails if emails is None else emails
        return dataclasses.replace(self, members=dict(members), emails=dict(emails), updated_at=now)


@dataclass(frozen=True, slots=True)
class Invite:
    """An invitation to a team for whoever signs in with `email`, verified."""

    token_hash: str  # the token itself is shown once, to the owner who invites
    team_id: TeamId
    email: str  # lowercase
    role: TeamRole
    invited_by: str
    created_at: datetime
    expires_at: datetime
    accepted_by: str | None = None
    accepted_at: datetime | None = None
    version: object = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Resource:
    """What the policy needs of a job, batch or export."""

    creator_uid: str
    team: Team | None  # None: its creator's own space


def decide(uid: str, action: Action, resource: Resource) -> bool | None:
    """True: allowed; False: the caller sees it but may not do this (403); None: the
    caller may not know it exists (404)."""
    if resource.team is None:
        return True if uid == resource.creator_uid else None
    role = resource.team.role_of(uid)
    if role is None:
        return None
    if action in (Action.DELETE, Action.CANCEL):
        return uid == resource.creator_uid or role is TeamRole.OWNER
    return True


def forbidden(action: Action) -> Forbidden:
    return Forbidden(
        f"Only its creator or the team's owners may {action} this.",
        details={"action": str(action)},
    )
