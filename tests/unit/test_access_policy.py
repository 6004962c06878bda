"""The one access policy, as a table of role x action x resource, and through the API:
team members read and export each other's work, its creator and the owners delete,
everyone else is told it does not exist, and a member removed loses access at once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.ids import TeamId
from shared.domain.teams import Action, Resource, Team, TeamRole, decide
from tests.apps import auth_emulator_mode  # noqa: F401
from tests.fakes import fake_world
from tests.unit.test_api_routes import PREFIX, SAMPLE, Frontend

NOW = datetime(2026, 6, 1, tzinfo=UTC)
TEAM = Team(
    TeamId("7" * 32),
    "Club de lecture",
    NOW,
    NOW,
    {"olivia": TeamRole.OWNER, "marc": TeamRole.MEMBER, "mia": TeamRole.MEMBER},
)
ALLOWED, FORBIDDEN, HIDDEN = True, False, None

# (caller, resource's creator, in the team's space?) -> verdict per action
TABLE: list[tuple[str, str, bool, dict[Action, bool | None]]] = [
    # one's own space: the creator alone, for everything
    ("marc", "marc", False, dict.fromkeys(Action, ALLOWED)),
    ("mia", "marc", False, dict.fromkeys(Action, HIDDEN)),
    ("olivia", "marc", False, dict.fromkeys(Action, HIDDEN)),  # owner of a team, not of this
    # a team's space: members read, create and export; creator and owners cancel, delete
    ("marc", "marc", True, dict.fromkeys(Action, ALLOWED)),
    (
        "mia", "marc", True,
        {Action.READ: ALLOWED, Action.CREATE: ALLOWED, Action.EXPORT: ALLOWED,
         Action.CANCEL: FORBIDDEN, Action.DELETE: FORBIDDEN},
    ),
    ("olivia", "marc", True, dict.fromkeys(Action, ALLOWED)),
    ("stranger", "marc", True, dict.fromkeys(Action, HIDDEN)),
    ("marc", "left-the-team", True, {**dict.fromkeys(Action, ALLOWED),
                                     Action.CANCEL: FORBIDDEN, Action.DELETE: FORBIDDEN}),
]  # fmt: skip


@pytest.mark.parametrize(("caller", "creator", "in_team", "verdicts"), TABLE)
def test_the_policy_table(
    caller: str, creator: str, in_team: bool, verdicts: dict[Action, bool | None]
) -> None:
    resource = Resource(creator, TEAM if in_team else None)
    assert {action: decide(caller, action, resource) for action in Action} == verdicts


def member_of(ui: Frontend, uid: str, role: str | None = None) -> Frontend:
    other = Frontend(ui.world, uid)
    other.router = ui.router
    return other


@pytest.fixture
def club() -> dict[str, Frontend]:
    world = fake_world()
    team = dataclasses.replace(TEAM, created_at=world.clock(), updated_at=world.clock())
    world.teams.add(team)
    olivia = Frontend(world, "olivia")
    return {
        "olivia": olivia,
        "marc": member_of(olivia, "marc"),
        "mia": member_of(olivia, "mia"),
        "stranger": member_of(olivia, "stranger"),
    }


def team_upload(ui: Frontend, status: int = 201) -> Any:
    body = {"filename": "a.pdf", "size_bytes": len(SAMPLE), "space": f"team:{TEAM.id}"}
    return ui.json("POST", f"{PREFIX}/uploads", status, json=body)


def test_team_members_share_work_and_the_policy_holds_on_every_route(
    club: dict[str, Frontend],
) -> None:
    marc, mia, olivia, stranger = club["marc"], club["mia"], club["olivia"], club["stranger"]
    created = team_upload(marc)
    job_id = created["job_id"]
    assert created["job"]["team_id"] == TEAM.id
    marc.put_and_run(job_id)

    assert mia.json("GET", f"{PREFIX}/jobs/{job_id}")["status"] == "completed"
    assert mia.json("GET", f"{PREFIX}/jobs/{job_id}/sentences?limit=3")["sentences"]
    export = mia.json("POST", f"{PREFIX}/jobs/{job_id}/exports", 201, json={"kind": "csv"})
    assert olivia.json("GET", f"{PREFIX}/exports/{export['export_id']}")["team_id"] == TEAM.id
    listed = mia.json("GET", f"{PREFIX}/jobs?space=team:{TEAM.id}")["jobs"]
    assert [job["job_id"] for job in listed] == [job_id]
    assert mia.json("GET", f"{PREFIX}/jobs")["jobs"] == []  # "me": the jobs she made

    denied = mia.json("DELETE", f"{PREFIX}/jobs/{job_id}", 403)
    assert denied["error"]["code"] == "FORBIDDEN"
    for method, path in [
        ("GET", f"{PREFIX}/jobs/{job_id}"),
        ("GET", f"{PREFIX}/jobs/{job_id}/sentences"),
        ("POST", f"{PREFIX}/jobs/{job_id}/cancel"),
        ("DELETE", f"{PREFIX}/jobs/{job_id}"),
        ("GET", f"{PREFIX}/exports/{export['export_id']}"),
    ]:
        assert stranger.json(method, path, 404)["error"]["code"] in (
            "JOB_NOT_FOUND", "EXPORT_NOT_FOUND",
        )  # fmt: skip
    hidden = stranger.json("GET", f"{PREFIX}/jobs?space=team:{TEAM.id}", 404)
    assert hidden["error"]["code"] == "TEAM_NOT_FOUND"
    assert team_upload(stranger, 404)["error"]["code"] == "TEAM_NOT_FOUND"

    assert olivia.request("DELETE", f"{PREFIX}/jobs/{job_id}").status_code == 204


def test_a_member_removed_loses_access_at_once(club: dict[str, Frontend]) -> None:
    marc, mia = club["marc"], club["mia"]
    job_id = team_upload(marc)["job_id"]
    assert mia.json("GET", f"{PREFIX}/jobs/{job_id}")["team_id"] == TEAM.id
    teams = mia.world.teams
    team = teams.get(TEAM.id)
    assert team is not None
    assert teams.compare_and_set(team, team.without_member(mia.world.clock(), "mia"))

    assert mia.json("GET", f"{PREFIX}/jobs/{job_id}", 404)["error"]["code"] == "JOB_NOT_FOUND"
    assert team_upload(mia, 404)["error"]["code"] == "TEAM_NOT_FOUND"


def test_work_in_a_team_space_is_held_to_the_teams_plan(club: dict[str, Frontend]) -> None:
    from shared.domain.plans import DEFAULT_PLANS

    marc = club["marc"]
    world = marc.world
    world.deps = dataclasses.replace(
        world.deps, limits=dataclasses.replace(world.deps.limits, plans=DEFAULT_PLANS)
    )
    marc.router = type(marc.router)(marc.router.routes, world.deps, marc.router._guard)
    big = {"filename": "a.pdf", "size_bytes": 30 * 2**20, "space": f"team:{TEAM.id}"}
    refused = marc.json("POST", f"{PREFIX}/uploads", 403, json=big)
    assert refused["error"]["details"]["plan"] == "free"  # the team's plan
    team = world.teams.get(TEAM.id)
    assert team is not None
    world.teams.compare_and_set(team, dataclasses.replace(team, plan="premium"))
    created = marc.json("POST", f"{PREFIX}/uploads", 201, json=big)
    assert created["job"]["team_id"] == TEAM.id


def test_a_batch_in_a_team_space_is_the_teams(club: dict[str, Frontend]) -> None:
    marc, mia, stranger = club["marc"], club["mia"], club["stranger"]
    body = {
        "name": "Lectures",
        "files": [{"filename": "a.pdf", "size_bytes": 10}],
        "space": f"team:{TEAM.id}",
    }
    batch = marc.json("POST", f"{PREFIX}/batches", 201, json=body)["batch"]
    assert batch["team_id"] == TEAM.id
    assert mia.json("GET", f"{PREFIX}/batches/{batch['batch_id']}")["files"] == 1
    more = {"files": [{"filename": "b.pdf", "size_bytes": 10}]}
    mia.json("POST", f"{PREFIX}/batches/{batch['batch_id']}/files", 201, json=more)
    assert mia.json("DELETE", f"{PREFIX}/batches/{batch['batch_id']}", 403)
    assert stranger.json("GET", f"{PREFIX}/batches/{batch['batch_id']}", 404)
    listed = mia.json("GET", f"{PREFIX}/batches?space=team:{TEAM.id}")["batches"]
    assert [b["batch_id"] for b in listed] == [batch["batch_id"]]
    assert mia.json("GET", f"{PREFIX}/batches")["batches"] == []  # she made none
    hidden = stranger.json("GET", f"{PREFIX}/batches?space=team:{TEAM.id}", 404)
    assert hidden["error"]["code"] == "TEAM_NOT_FOUND"


def test_usage_of_work_in_a_team_space_counts_for_the_team(club: dict[str, Frontend]) -> None:
    marc = club["marc"]
    job_id = team_upload(marc)["job_id"]
    marc.put_and_run(job_id)
    day = marc.world.clock().date().isoformat()
    (row,) = marc.world.usage.rows(day, day, "team")
    assert (row.group, row.counts["books"], row.counts["completed"]) == (TEAM.id, 1, 1)
    (user,) = marc.world.usage.rows(day, day, "user")
    assert user.group == "marc"


def test_a_pdf_posted_to_a_team_space_is_the_teams(club: dict[str, Frontend]) -> None:
    import io

    marc, stranger = club["marc"], club["stranger"]

    def form(space: str) -> dict[str, Any]:
        fields = {"pdf_file": (io.BytesIO(SAMPLE), "roman.pdf"), "space": space}
        return {"data": fields, "content_type": "multipart/form-data"}

    accepted = marc.json("POST", f"{PREFIX}/process-pdf", 202, **form(f"team:{TEAM.id}"))
    assert marc.json("GET", f"{PREFIX}/jobs/{accepted['job_id']}")["team_id"] == TEAM.id
    refused = stranger.json("POST", f"{PREFIX}/process-pdf", 404, **form(f"team:{TEAM.id}"))
    assert refused["error"]["code"] == "TEAM_NOT_FOUND"
    odd = marc.json("POST", f"{PREFIX}/process-pdf", 422, **form("everyone"))
    assert odd["error"]["code"] == "VALIDATION_FAILED"
