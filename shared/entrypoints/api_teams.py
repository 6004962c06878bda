"""The team routes: teams and their members, invitations by e-mail, and admins' plans."""

from __future__ import annotations

from typing import Any

import flask

from shared.domain.errors import InvalidInput, TeamNotFound
from shared.domain.ids import TeamId
from shared.entrypoints.api_table import PREFIX, routes
from shared.http.router import Call
from shared.http.schemas import PlanChangeView, PlanRequest
from shared.http.team_schemas import (
    AcceptRequest,
    InviteCreated,
    InviteList,
    InviteRequest,
    InviteView,
    RoleRequest,
    TeamList,
    TeamPlanView,
    TeamRequest,
    TeamSummary,
    TeamView,
)
from shared.service import teams
from shared.service.access import member_team
from shared.service.deps import Deps

MAX_UID_LENGTH = 128  # Firebase's longest uid


@routes.route(
    "POST", f"{PREFIX}/teams", "A new team; its maker is its first owner (plan: free)",
    status=201, errors=(400, 422),
)  # fmt: skip
def create_team(call: Call[TeamRequest, None], deps: Deps) -> TeamView:
    team = teams.create_team(deps, call.user, call.body.name)
    return TeamView.of(team, call.user.uid)


@routes.route("GET", f"{PREFIX}/teams", "The caller's teams, with their role in each")
def list_teams(call: Call[None, None], deps: Deps) -> TeamList:
    uid = call.user.uid
    return TeamList(teams=[TeamSummary.of(team, uid) for team in teams.teams_of(deps, uid)])


@routes.route(
    "GET", f"{PREFIX}/teams/<team_id>", "A team the caller is in: its members, roles and plan",
    errors=(404,),
)  # fmt: skip
def get_team(call: Call[None, None], deps: Deps) -> TeamView:
    uid = call.user.uid
    return TeamView.of(member_team(deps, uid, _team_id(call)), uid)


@routes.route(
    "POST", f"{PREFIX}/teams/<team_id>/invites",
    "Owners: invite an e-mail address; the token is shown once", status=201,
    errors=(403, 404, 422),
)  # fmt: skip
def create_invite(call: Call[InviteRequest, None], deps: Deps) -> InviteCreated:
    body = call.body
    made = teams.invite(deps, call.user.uid, _team_id(call), body.email, body.role)
    return InviteCreated(invite=InviteView.of(made.invite, deps.clock()), token=made.token)


@routes.route(
    "GET", f"{PREFIX}/teams/<team_id>/invites",
    "Owners: the team's invitations (pending, accepted, expired), newest first",
    errors=(403, 404),
)  # fmt: skip
def list_invites(call: Call[None, None], deps: Deps) -> InviteList:
    now = deps.clock()
    found = teams.invites_of(deps, call.user.uid, _team_id(call))
    return InviteList(invites=[InviteView.of(invite, now) for invite in found])


@routes.route(
    "POST", f"{PREFIX}/invites/accept",
    "Join a team with an invitation's token (signed in with its e-mail, verified)",
    errors=(403, 404, 409, 422),
)  # fmt: skip
def accept_invite(call: Call[AcceptRequest, None], deps: Deps) -> TeamView:
    team = teams.accept_invite(deps, call.user, call.body.token)
    return TeamView.of(team, call.user.uid)


@routes.route(
    "PUT", f"{PREFIX}/teams/<team_id>/members/<uid>", "Owners: change a member's role",
    errors=(400, 403, 404, 409, 422),
)  # fmt: skip
def set_member_role(call: Call[RoleRequest, None], deps: Deps) -> TeamView:
    uid = call.user.uid
    team = teams.set_role(deps, uid, _team_id(call), _member(call), call.body.role)
    return TeamView.of(team, uid)


@routes.route(
    "DELETE", f"{PREFIX}/teams/<team_id>/members/<uid>",
    "Owners: remove a member; anyone: leave (their own uid). Access ends at once",
    status=204, errors=(403, 404, 409),
)  # fmt: skip
def remove_member(call: Call[None, None], deps: Deps) -> flask.Response:
    teams.remove_member(deps, call.user.uid, _team_id(call), _member(call))
    return flask.Response(status=204)


@routes.route(
    "PUT", f"{PREFIX}/admin/teams/<team_id>/plan", "Admins: set a team's plan (audited)",
    errors=(403, 404, 422),
)  # fmt: skip
def put_team_plan(call: Call[PlanRequest, None], deps: Deps) -> TeamPlanView:
    found = teams.set_team_plan(deps, call.user, _team_id(call), call.body.plan)
    return TeamPlanView(
        team_id=found.team.id,
        plan=found.team.plan,
        changes=[PlanChangeView.of(change) for change in found.changes],
    )


def _team_id(call: Call[Any, Any]) -> TeamId:
    team_id = TeamId.parse(call.path["team_id"])
    if team_id is None:
        raise TeamNotFound("No such team.", details={"team_id": call.path["team_id"][:64]})
    return team_id


def _member(call: Call[Any, Any]) -> str:
    uid = call.path["uid"]
    if not 1 <= len(uid) <= MAX_UID_LENGTH:
        raise InvalidInput(f"A user id has 1 to {MAX_UID_LENGTH} characters.")
    return uid
