"""Every access to a job, batch or export goes through here, to the one policy of
`shared.domain.teams.decide`: the record's creator and, in a team's space, the team's
members by role. A record the caller may not know of is missing (404); one they see
but may not do this to is forbidden (403). The team is read on each access, so a
member removed loses access at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from shared.domain.errors import AppError, TeamNotFound
from shared.domain.ids import TeamId
from shared.domain.teams import Action, Resource, Team, decide, forbidden
from shared.service.deps import Deps

R = TypeVar("R")


def allowed(
    deps: Deps,
    uid: str,
    action: Action,
    record: R | None,
    creator: Callable[[R], str],
    team_id: Callable[[R], TeamId | None],
    missing: Callable[[], AppError],
) -> R:
    """The record, if `uid` may do `action` to it."""
    if record is None:
        raise missing()
    space = team_id(record)
    team = deps.teams.get(space) if space is not None else None
    if space is not None and team is None:
        raise missing()  # its team is gone: nobody reaches it
    verdict = decide(uid, action, Resource(creator(record), team))
    if verdict is None:
        raise missing()
    if not verdict:
        raise forbidden(action)
    return record


def member_team(deps: Deps, uid: str, team_id: TeamId) -> Team:
    """The team, if `uid` is a member (work in its space: create, list); else 404."""
    team = deps.teams.get(team_id)
    if team is None or team.role_of(uid) is None:
        raise TeamNotFound("No such team.", details={"team_id": team_id})
    return team
