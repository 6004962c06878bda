"""Teams through the API in process, on fakes: making and reading teams, invitations by
e-mail (wrong, unverified, expired, reused, unknown and racing), roles, removal and
leaving (owners only, the last owner kept, access gone at once), another team always
404, and admins setting a team's plan with the audit log."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.firebase_tokens import mint_emulator_token
from shared.domain.errors import Unavailable
from shared.domain.ids import TeamId
from shared.domain.teams import INVITE_LIFETIME, MAX_MEMBERS, TeamRole
from tests.apps import PROJECT, auth_emulator_mode  # noqa: F401 (an autouse fixture)
from tests.fakes import fake_world
from tests.unit.test_api_routes import PREFIX, Frontend

TEAMS = f"{PREFIX}/teams"
ACCEPT = f"{PREFIX}/invites/accept"


@pytest.fixture
def ui() -> Frontend:
    """reader-1, whose e-mail (reader-1@example.com) is not verified."""
    return Frontend(fake_world())


def person(
    ui: Frontend,
    uid: str,
    email: str | None = None,
    *,
    verified: bool = True,
    role: str | None = None,
) -> Frontend:
    """Another signed-in user of the same API: by default with `uid`@example.com, verified."""
    other = Frontend(ui.world, uid)
    other.router, other.reached = ui.router, ui.reached  # one API; the routes reached add up
    email = f"{uid}@example.com" if email is None else email
    token = mint_emulator_token(
        PROJECT, uid, email=email or None, email_verified=verified, role=role
    )
    other.auth = {"Authorization": f"Bearer {token}"}
    return other


def make_team(owner: Frontend, name: str = "Club de lecture") -> str:
    team: dict[str, Any] = owner.json("POST", TEAMS, 201, json={"name": name})
    return str(team["team_id"])


def invite(owner: Frontend, team_id: str, email: str, role: str = "member") -> str:
    made = owner.json(
        "POST", f"{TEAMS}/{team_id}/invites", 201, json={"email": email, "role": role}
    )
    return str(made["token"])


def accept(user: Frontend, token: str, status: int = 200) -> Any:
    return user.json("POST", ACCEPT, status, json={"token": token})


def error_code(answer: Any) -> str:
    return str(answer["error"]["code"])


def team_with_member(ui: Frontend, uid: str = "ana", role: str = "member") -> tuple[str, Frontend]:
    """A team of reader-1 (its owner) and `uid`, joined by invitation."""
    team_id = make_team(ui)
    member = person(ui, uid)
    accept(member, invite(ui, team_id, f"{uid}@example.com", role))
    return team_id, member


def drive_team_routes(ui: Frontend) -> None:
    """Every team route's happy path (the route-coverage test calls this too)."""
    created = ui.json("POST", TEAMS, 201, json={"name": "  Les   lecteurs "})
    team_id = created["team_id"]
    assert (created["name"], created["plan"], created["role"]) == ("Les lecteurs", "free", "owner")
    assert created["members"] == [
        {"uid": "reader-1", "role": "owner", "email": "reader-1@example.com"}
    ]
    listed = ui.json("GET", TEAMS)["teams"]
    assert [(t["team_id"], t["role"]) for t in listed] == [(team_id, "owner")]
    assert ui.json("GET", f"{TEAMS}/{team_id}") == created

    made = ui.json("POST", f"{TEAMS}/{team_id}/invites", 201, json={"email": "Ana@Example.COM"})
    token, shown = made["token"], made["invite"]
    assert (shown["email"], shown["role"], shown["status"]) == (
        "ana@example.com",
        "member",
        "pending",
    )
    invites = ui.json("GET", f"{TEAMS}/{team_id}/invites")["invites"]
    assert invites == [shown] and token not in str(invites)

    ana = person(ui, "ana", "ana@example.com")
    joined = accept(ana, token)
    assert (joined["team_id"], joined["role"]) == (team_id, "member")
    assert ui.json("GET", f"{TEAMS}/{team_id}/invites")["invites"][0]["status"] == "accepted"

    promoted = ui.json("PUT", f"{TEAMS}/{team_id}/members/ana", json={"role": "owner"})
    assert {"uid": "ana", "role": "owner", "email": "ana@example.com"} in promoted["members"]
    assert ui.request("DELETE", f"{TEAMS}/{team_id}/members/ana").status_code == 204
    assert error_code(ana.json("GET", f"{TEAMS}/{team_id}", 404)) == "TEAM_NOT_FOUND"

    admin = person(ui, "admin-1", role="admin")
    plan = admin.json("PUT", f"{PREFIX}/admin/teams/{team_id}/plan", json={"plan": "premium"})
    assert (plan["team_id"], plan["plan"]) == (team_id, "premium")
    assert [(c["by_uid"], c["from_plan"], c["to_plan"]) for c in plan["changes"]] == [
        ("admin-1", "free", "premium")
    ]
    assert ui.json("GET", f"{TEAMS}/{team_id}")["plan"] == "premium"


def test_every_team_route(ui: Frontend) -> None:
    drive_team_routes(ui)
    team_routes = {r for r in ui.router.routes.routes if "/teams" in r or "/invites" in r}
    assert len(team_routes) == 9 and team_routes <= ui.reached


# Teams ---------------------------------------------------------------------------------


def test_a_team_is_its_makers_and_free_and_each_user_lists_only_theirs(ui: Frontend) -> None:
    mine = make_team(ui, "A")
    other = person(ui, "ben")
    theirs = make_team(other, "B")
    ui.world.clock.advance(timedelta(seconds=1))
    later = make_team(ui, "C")

    assert [t["team_id"] for t in ui.json("GET", TEAMS)["teams"]] == [mine, later]  # oldest first
    assert [t["team_id"] for t in other.json("GET", TEAMS)["teams"]] == [theirs]
    stored = ui.world.teams.records[mine]
    assert (dict(stored.members), stored.plan) == ({"reader-1": TeamRole.OWNER}, "free")


@pytest.mark.parametrize("name", ["", "a" * 101, "tab\there", "   "])
def test_a_team_needs_a_name(ui: Frontend, name: str) -> None:
    answer = ui.request("POST", TEAMS, json={"name": name})
    assert answer.status_code in (400, 422), answer.get_data(as_text=True)
    assert not ui.world.teams.records


def test_another_teams_routes_are_all_404(ui: Frontend) -> None:
    team_id, _ = team_with_member(ui)
    outsider = person(ui, "eve")
    asked = [
        ("GET", f"{TEAMS}/{team_id}", None),
        ("GET", f"{TEAMS}/{team_id}/invites", None),
        ("POST", f"{TEAMS}/{team_id}/invites", {"email": "eve@example.com"}),
        ("PUT", f"{TEAMS}/{team_id}/members/ana", {"role": "owner"}),
        ("PUT", f"{TEAMS}/{team_id}/members/eve", {"role": "owner"}),
        ("DELETE", f"{TEAMS}/{team_id}/members/ana", None),
        ("DELETE", f"{TEAMS}/{team_id}/members/eve", None),
    ]
    missing = TeamId.new()
    for method, path, body in asked:
        for target in (path, path.replace(team_id, missing), path.replace(team_id, "not-an-id")):
            kwargs = {"json": body} if body is not None else {}
            answer = outsider.json(method, target, 404, **kwargs)
            assert error_code(answer) == "TEAM_NOT_FOUND", (method, target)
    assert set(ui.world.teams.records[team_id].members) == {"reader-1", "ana"}
    assert len(ui.world.invites.records) == 1
    assert outsider.json("GET", TEAMS)["teams"] == []


# Invitations -----------------------------------------------------------------------------


def test_only_the_hash_of_an_invitations_token_is_kept_for_seven_days(ui: Frontend) -> None:
    team_id = make_team(ui)
    made = ui.json("POST", f"{TEAMS}/{team_id}/invites", 201, json={"email": "ana@example.com"})
    token = made["token"]
    assert len(token) == 43 and token.replace("-", "").replace("_", "").isalnum()  # 32 bytes

    (stored,) = ui.world.invites.records.values()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(stored)
    assert stored.expires_at - stored.created_at == INVITE_LIFETIME == timedelta(days=7)
    assert invite(ui, team_id, "ana@example.com") != token  # a new token each time


def test_an_invitation_is_accepted_by_its_verified_email_whatever_the_case(ui: Frontend) -> None:
    team_id = make_team(ui)
    token = invite(ui, team_id, "Ana.Lopez@Example.com", "owner")
    ana = person(ui, "ana", "ANA.LOPEZ@example.COM")

    joined = accept(ana, token)

    ana_owner = {"uid": "ana", "role": "owner", "email": "ANA.LOPEZ@example.COM"}  # as she signs in
    assert (joined["role"], ana_owner in joined["members"]) == (
        "owner", True,
    )  # fmt: skip
    assert [t["role"] for t in ana.json("GET", TEAMS)["teams"]] == ["owner"]
    (listed,) = ui.json("GET", f"{TEAMS}/{team_id}/invites")["invites"]
    assert (listed["status"], listed["accepted_by"]) == ("accepted", "ana")


@pytest.mark.parametrize(
    ("email", "verified"),
    [
        ("ben@example.com", True),  # another user's address
        ("ana@example.com", False),  # the address, not verified
        ("", True),  # no address at all
        ("ana@example.com.evil", True),
    ],
)
def test_an_invitation_refuses_any_other_email_or_an_unverified_one(
    ui: Frontend, email: str, verified: bool
) -> None:
    team_id = make_team(ui)
    token = invite(ui, team_id, "ana@example.com")
    intruder = person(ui, "intruder", email, verified=verified)

    refused = accept(intruder, token, 403)

    assert error_code(refused) == "INVITE_EMAIL_MISMATCH"
    assert error_code(intruder.json("GET", f"{TEAMS}/{team_id}", 404)) == "TEAM_NOT_FOUND"
    assert "intruder" not in ui.world.teams.records[team_id].members
    # The invitation is still there for its own address.
    accept(person(ui, "ana"), token)


def test_reader_ones_unverified_email_is_refused_too(ui: Frontend) -> None:
    owner = person(ui, "owner-1")
    team_id = make_team(owner)
    token = invite(owner, team_id, "reader-1@example.com")
    assert error_code(accept(ui, token, 403)) == "INVITE_EMAIL_MISMATCH"


def test_an_invitation_expires_after_seven_days(ui: Frontend) -> None:
    team_id = make_team(ui)
    early = invite(ui, team_id, "ana@example.com")
    late = invite(ui, team_id, "ana@example.com")
    ana = person(ui, "ana")

    ui.world.clock.advance(INVITE_LIFETIME - timedelta(seconds=1))
    accept(ana, early)  # still valid a second before
    ui.world.clock.advance(timedelta(seconds=1))
    expired = accept(ana, late, 409)

    assert error_code(expired) == "INVITE_EXPIRED"
    statuses = [i["status"] for i in ui.json("GET", f"{TEAMS}/{team_id}/invites")["invites"]]
    assert sorted(statuses) == ["accepted", "expired"]


def test_an_invitation_is_used_once(ui: Frontend) -> None:
    team_id, _ = team_with_member(ui)
    token = invite(ui, team_id, "ben@example.com")
    ben = person(ui, "ben")
    accept(ben, token)

    assert error_code(accept(ben, token, 409)) == "INVITE_ALREADY_USED"
    # A member removed cannot come back with the token that brought them in.
    assert ui.request("DELETE", f"{TEAMS}/{team_id}/members/ben").status_code == 204
    assert error_code(accept(ben, token, 409)) == "INVITE_ALREADY_USED"
    assert "ben" not in ui.world.teams.records[team_id].members


@pytest.mark.parametrize("token", ["no-such-token", "x" * 256, hashlib.sha256(b"a").hexdigest()])
def test_an_unknown_invitation_is_404(ui: Frontend, token: str) -> None:
    team_id = make_team(ui)
    invite(ui, team_id, "ana@example.com")
    stored_hash = next(iter(ui.world.invites.records))
    ana = person(ui, "ana")

    assert error_code(accept(ana, token, 404)) == "INVITE_NOT_FOUND"
    # Its hash is no token: the hash of the hash is not stored.
    assert error_code(accept(ana, stored_hash, 404)) == "INVITE_NOT_FOUND"


def test_a_token_too_long_to_be_one_is_refused_unread(ui: Frontend) -> None:
    answer = ui.json("POST", ACCEPT, 422, json={"token": "x" * 257})
    assert error_code(answer) == "VALIDATION_FAILED"


def test_two_accepts_at_once_make_one_member(ui: Frontend) -> None:
    """Two accounts with the invited address race: both read the invitation pending and
    claim it at once; exactly one does, the other is told it is used."""
    team_id = make_team(ui)
    token = invite(ui, team_id, "ana@example.com")
    racers = [
        person(ui, "ana-phone", "ana@example.com"),
        person(ui, "ana-laptop", "ana@example.com"),
    ]
    together = threading.Barrier(2, timeout=10)
    invites = ui.world.invites
    read, claim = invites.get, invites.compare_and_set
    first_read: set[int] = set()
    first_claim: set[int] = set()

    def in_step(done: set[int]) -> None:
        """Each thread's first call waits for the other's: neither is ahead."""
        if threading.get_ident() not in done:
            done.add(threading.get_ident())
            together.wait()

    def read_together(token_hash: str) -> Any:
        found = read(token_hash)
        in_step(first_read)  # both find it pending before any goes on
        return found

    def claim_together(current: Any, new: Any) -> bool:
        in_step(first_claim)  # and claim it at the same moment
        return claim(current, new)

    invites.get = read_together  # type: ignore[method-assign]
    invites.compare_and_set = claim_together  # type: ignore[method-assign]
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(lambda racer: racer.request("POST", ACCEPT, json={"token": token}), racers)
        )

    assert sorted(a.status_code for a in answers) == [200, 409]
    (lost,) = [a for a in answers if a.status_code == 409]
    assert error_code(lost.get_json()) == "INVITE_ALREADY_USED"
    members = ui.world.teams.records[team_id].members
    assert len(members) == 2 and len({"ana-phone", "ana-laptop"} & set(members)) == 1
    (claimed,) = invites.records.values()
    assert claimed.accepted_by in members


def test_a_join_that_fails_leaves_the_invitation_for_another_try(ui: Frontend) -> None:
    team_id = make_team(ui)
    token = invite(ui, team_id, "ana@example.com")
    ana = person(ui, "ana")
    teams = ui.world.teams
    write = teams.compare_and_set

    def outage(current: Any, new: Any) -> bool:
        raise Unavailable("Firestore is away.")

    teams.compare_and_set = outage  # type: ignore[method-assign]
    assert accept(ana, token, 503)["error"]["code"] == "UNAVAILABLE"
    (pending,) = ui.world.invites.records.values()
    assert pending.accepted_by is None

    teams.compare_and_set = write  # type: ignore[method-assign]
    assert accept(ana, token)["role"] == "member"


def test_a_full_team_refuses_a_join_and_keeps_the_invitation(ui: Frontend) -> None:
    team_id = make_team(ui)
    token = invite(ui, team_id, "ana@example.com")
    teams, now = ui.world.teams, ui.world.clock()
    team = teams.records[team_id]
    for n in range(MAX_MEMBERS - 1):
        team = team.with_member(now, f"member-{n}", TeamRole.MEMBER)
    teams.records[team_id] = team

    assert error_code(accept(person(ui, "ana"), token, 409)) == "CONFLICT"
    (pending,) = ui.world.invites.records.values()
    assert pending.accepted_by is None


def test_an_owner_accepting_a_members_invitation_stays_an_owner(ui: Frontend) -> None:
    team_id = make_team(ui)
    owner_too = person(ui, "ana")
    accept(owner_too, invite(ui, team_id, "ana@example.com", "owner"))
    accept(owner_too, invite(ui, team_id, "ana@example.com", "member"))
    assert ui.world.teams.records[team_id].members["ana"] is TeamRole.OWNER


def test_only_owners_invite_or_read_the_invitations(ui: Frontend) -> None:
    team_id, ana = team_with_member(ui)
    asked = ana.json("POST", f"{TEAMS}/{team_id}/invites", 403, json={"email": "x@example.com"})
    assert error_code(asked) == "FORBIDDEN"
    assert error_code(ana.json("GET", f"{TEAMS}/{team_id}/invites", 403)) == "FORBIDDEN"
    assert len(ui.world.invites.records) == 1  # ana's own


@pytest.mark.parametrize(
    "body",
    [{"email": "not-an-address"}, {"email": "a@b.c", "role": "admin"}, {"email": "a@b.c", "x": 1}],
)
def test_an_invitation_needs_an_address_and_a_role(ui: Frontend, body: dict[str, Any]) -> None:
    team_id = make_team(ui)
    answer = ui.json("POST", f"{TEAMS}/{team_id}/invites", 422, json=body)
    assert error_code(answer) == "VALIDATION_FAILED"


# Roles, removal, leaving ---------------------------------------------------------------


def test_the_last_owner_can_neither_leave_nor_be_demoted(ui: Frontend) -> None:
    team_id, ana = team_with_member(ui)

    leave = ui.json("DELETE", f"{TEAMS}/{team_id}/members/reader-1", 409)
    demote = ui.json("PUT", f"{TEAMS}/{team_id}/members/reader-1", 409, json={"role": "member"})

    assert error_code(leave) == error_code(demote) == "TEAM_LAST_OWNER"
    assert "last owner" in leave["error"]["message"]
    # With another owner, the first may step down, then leave.
    ui.json("PUT", f"{TEAMS}/{team_id}/members/ana", json={"role": "owner"})
    stepped = ui.json("PUT", f"{TEAMS}/{team_id}/members/reader-1", json={"role": "member"})
    assert stepped["role"] == "member"
    last_leaves = ana.json("DELETE", f"{TEAMS}/{team_id}/members/ana", 409)
    assert error_code(last_leaves) == "TEAM_LAST_OWNER"
    assert ui.request("DELETE", f"{TEAMS}/{team_id}/members/reader-1").status_code == 204
    assert dict(ui.world.teams.records[team_id].members) == {"ana": TeamRole.OWNER}


def test_members_who_are_not_owners_cannot_do_what_owners_do(ui: Frontend) -> None:
    team_id, ana = team_with_member(ui)
    ben = person(ui, "ben")
    accept(ben, invite(ui, team_id, "ben@example.com"))

    for method, path, body in [
        ("PUT", f"{TEAMS}/{team_id}/members/ana", {"role": "owner"}),  # herself
        ("PUT", f"{TEAMS}/{team_id}/members/ben", {"role": "owner"}),
        ("PUT", f"{TEAMS}/{team_id}/members/reader-1", {"role": "member"}),
        ("DELETE", f"{TEAMS}/{team_id}/members/ben", None),
        ("DELETE", f"{TEAMS}/{team_id}/members/reader-1", None),
    ]:
        kwargs = {"json": body} if body is not None else {}
        assert error_code(ana.json(method, path, 403, **kwargs)) == "FORBIDDEN", (method, path)
    members = ui.world.teams.records[team_id].members
    assert dict(members) == {
        "reader-1": TeamRole.OWNER, "ana": TeamRole.MEMBER, "ben": TeamRole.MEMBER,
    }  # fmt: skip


def test_a_member_leaves_and_a_removed_member_loses_access_at_once(ui: Frontend) -> None:
    team_id, ana = team_with_member(ui)
    ben = person(ui, "ben")
    accept(ben, invite(ui, team_id, "ben@example.com", "owner"))
    assert ana.json("GET", f"{TEAMS}/{team_id}")["role"] == "member"

    assert ana.request("DELETE", f"{TEAMS}/{team_id}/members/ana").status_code == 204
    assert error_code(ana.json("GET", f"{TEAMS}/{team_id}", 404)) == "TEAM_NOT_FOUND"
    assert ana.json("GET", TEAMS)["teams"] == []

    # An owner removed: their very next request is refused, owner's actions included.
    assert ben.json("GET", f"{TEAMS}/{team_id}/invites")["invites"]
    assert ui.request("DELETE", f"{TEAMS}/{team_id}/members/ben").status_code == 204
    assert error_code(ben.json("GET", f"{TEAMS}/{team_id}", 404)) == "TEAM_NOT_FOUND"
    assert error_code(ben.json("GET", f"{TEAMS}/{team_id}/invites", 404)) == "TEAM_NOT_FOUND"
    again = ben.json("POST", f"{TEAMS}/{team_id}/invites", 404, json={"email": "b@example.com"})
    assert error_code(again) == "TEAM_NOT_FOUND"
    assert set(ui.world.teams.records[team_id].members) == {"reader-1"}


def test_a_role_is_changed_for_members_only(ui: Frontend) -> None:
    team_id, _ = team_with_member(ui)
    stranger = ui.json("PUT", f"{TEAMS}/{team_id}/members/eve", 400, json={"role": "owner"})
    assert error_code(stranger) == "INVALID_REQUEST"
    bad = ui.json("PUT", f"{TEAMS}/{team_id}/members/ana", 422, json={"role": "admin"})
    assert error_code(bad) == "VALIDATION_FAILED"
    # Removing someone who is not a member changes nothing.
    assert ui.request("DELETE", f"{TEAMS}/{team_id}/members/eve").status_code == 204
    assert set(ui.world.teams.records[team_id].members) == {"reader-1", "ana"}


# Plans -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "free", "premium"])
def test_only_admins_set_a_teams_plan(ui: Frontend, role: str | None) -> None:
    team_id = make_team(ui)
    owner = person(ui, "reader-1", role=role)  # the team's own owner, not an admin
    answer = owner.json(
        "PUT", f"{PREFIX}/admin/teams/{team_id}/plan", 403, json={"plan": "premium"}
    )
    assert error_code(answer) == "ADMIN_ONLY"
    assert ui.world.teams.records[team_id].plan == "free" and not ui.world.audit.changes


def test_admins_set_a_teams_plan_and_the_change_is_audited(ui: Frontend) -> None:
    team_id = make_team(ui)
    admin = person(ui, "admin-1", role="admin")
    path = f"{PREFIX}/admin/teams/{team_id}/plan"

    admin.json("PUT", path, json={"plan": "premium"})
    again = admin.json("PUT", path, json={"plan": "premium"})
    ui.world.clock.advance(timedelta(minutes=1))
    back = admin.json("PUT", path, json={"plan": "free"})

    assert len(again["changes"]) == 1  # no change, nothing recorded
    assert [(c["from_plan"], c["to_plan"]) for c in back["changes"]] == [
        ("premium", "free"), ("free", "premium"),
    ]  # fmt: skip
    assert {c.subject_uid for c in ui.world.audit.changes} == {f"team:{team_id}"}
    assert ui.json("GET", f"{TEAMS}/{team_id}")["plan"] == "free"
    missing = admin.json(
        "PUT", f"{PREFIX}/admin/teams/{TeamId.new()}/plan", 404, json={"plan": "free"}
    )
    assert error_code(missing) == "TEAM_NOT_FOUND"
    odd = admin.json("PUT", path, 422, json={"plan": "gold"})
    assert error_code(odd) == "VALIDATION_FAILED"


def test_members_see_one_another_by_the_address_they_joined_with(ui: Frontend) -> None:
    owner = person(ui, "owner-1", "Owner@Example.com")
    team_id = owner.json("POST", TEAMS, 201, json={"name": "Club"})["team_id"]
    token = owner.json(
        "POST", f"{TEAMS}/{team_id}/invites", 201, json={"email": "ana@example.com"}
    )["token"]
    ana = person(ui, "ana")
    accept(ana, token)

    seen = ana.json("GET", f"{TEAMS}/{team_id}")["members"]

    assert [(m["uid"], m["role"], m["email"]) for m in seen] == [
        ("owner-1", "owner", "Owner@Example.com"),
        ("ana", "member", "ana@example.com"),
    ]
    owner.request("DELETE", f"{TEAMS}/{team_id}/members/ana")
    assert dict(ui.world.teams.records[team_id].emails) == {"owner-1": "Owner@Example.com"}
