"""Teams through the local stack with real users of the Auth emulator and the ID tokens
it issues: an invitation accepted by the user whose verified e-mail it names, refused
for another user's e-mail and for an unverified one, refused once used or unknown;
another team always 404; a removed member's next request refused; only admins set a
team's plan. (Expiry takes seven days: the unit tests run it on a fake clock.)"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from infra.api_client import ApiClient, ApiError
from infra.auth_emulator import AuthEmulator
from infra.local_stack import LocalStack
from shared.adapters.firebase_users import FirebaseUserDirectory

pytestmark = pytest.mark.stack

PASSWORD = "correct horse battery"


@dataclass
class Person:
    """A user of the Auth emulator, signed in: their uid, e-mail and API client."""

    uid: str
    email: str
    api: ApiClient

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return self.api.call(method, path, **kwargs)


User = Callable[..., Person]


@pytest.fixture(scope="module")
def emulator(stack: LocalStack) -> AuthEmulator:
    return AuthEmulator.of(stack)


@pytest.fixture
def user(api_url: str, emulator: AuthEmulator) -> User:
    """A new user of the emulator (verified unless asked), signed in: their API client."""

    def make(email: str | None = None, *, verified: bool = True) -> Person:
        email = email or f"reader-{uuid.uuid4().hex[:12]}@example.com"
        emulator.create_user(email, PASSWORD, email_verified=verified)
        session = emulator.sign_in(email, PASSWORD)
        assert session.claims["email_verified"] is verified
        return Person(session.uid, email, ApiClient(api_url, session.id_token))

    return make


def refused(call: Callable[[], Any]) -> tuple[int, str]:
    with pytest.raises(ApiError) as error:
        call()
    return error.value.status, error.value.code


def a_team(owner: Person) -> str:
    team: dict[str, Any] = owner.call("POST", "/teams", json={"name": "Club de lecture"})
    assert team["role"] == "owner" and team["plan"] == "free"
    return str(team["team_id"])


def invite(owner: Person, team_id: str, email: str, role: str = "member") -> str:
    made = owner.call("POST", f"/teams/{team_id}/invites", json={"email": email, "role": role})
    return str(made["token"])


def accept(person: Person, token: str) -> dict[str, Any]:
    return person.call("POST", "/invites/accept", json={"token": token})


def test_an_invitation_is_for_its_verified_email_and_is_used_once(user: User) -> None:
    owner, invited, other = user(), user(), user()
    team_id = a_team(owner)
    token = invite(owner, team_id, invited.email.upper())

    # Another signed-in user, with their own verified e-mail, cannot use it.
    assert refused(lambda: accept(other, token)) == (403, "INVITE_EMAIL_MISMATCH")
    assert refused(lambda: other.call("GET", f"/teams/{team_id}")) == (404, "TEAM_NOT_FOUND")

    joined = accept(invited, token)
    assert (joined["team_id"], joined["role"]) == (team_id, "member")
    joined_as = {"uid": invited.uid, "role": "member", "email": invited.email}
    assert joined_as in joined["members"]
    listed = invited.call("GET", "/teams")["teams"]
    assert [(t["team_id"], t["role"]) for t in listed] == [(team_id, "member")]

    assert refused(lambda: accept(invited, token)) == (409, "INVITE_ALREADY_USED")
    assert refused(lambda: accept(invited, "no-such-token")) == (404, "INVITE_NOT_FOUND")
    (shown,) = owner.call("GET", f"/teams/{team_id}/invites")["invites"]
    assert shown["status"] == "accepted" and shown["accepted_by"] == invited.uid
    assert token not in str(shown)


def test_an_unverified_email_cannot_accept(user: User) -> None:
    owner = user()
    email = f"unverified-{uuid.uuid4().hex[:12]}@example.com"
    unverified = user(email, verified=False)
    team_id = a_team(owner)
    token = invite(owner, team_id, email)

    assert refused(lambda: accept(unverified, token)) == (403, "INVITE_EMAIL_MISMATCH")
    assert refused(lambda: unverified.call("GET", f"/teams/{team_id}")) == (404, "TEAM_NOT_FOUND")
    (pending,) = owner.call("GET", f"/teams/{team_id}/invites")["invites"]
    assert pending["status"] == "pending"


def test_owners_manage_members_and_a_removed_member_is_refused_at_once(user: User) -> None:
    owner, member, outsider = user(), user(), user()
    team_id = a_team(owner)
    accept(member, invite(owner, team_id, member.email))
    member_uid = member.uid
    team = f"/teams/{team_id}"

    # A member is not an owner; someone outside the team sees no team at all.
    assert refused(lambda: member.call("GET", f"{team}/invites")) == (403, "FORBIDDEN")
    promote = {"json": {"role": "owner"}}
    assert refused(lambda: member.call("PUT", f"{team}/members/{member_uid}", **promote)) == (
        403, "FORBIDDEN",
    )  # fmt: skip
    for method, path in [("GET", team), ("GET", f"{team}/invites"),
                         ("DELETE", f"{team}/members/{member_uid}")]:  # fmt: skip
        assert refused(lambda m=method, p=path: outsider.call(m, p)) == (404, "TEAM_NOT_FOUND")
    assert refused(lambda: owner.call("DELETE", f"{team}/members/{owner.uid}")) == (
        409, "TEAM_LAST_OWNER",
    )  # fmt: skip

    assert member.call("GET", team)["role"] == "member"
    assert owner.api.request("DELETE", f"{team}/members/{member_uid}").status_code == 204
    assert refused(lambda: member.call("GET", team)) == (404, "TEAM_NOT_FOUND")
    assert member.call("GET", "/teams")["teams"] == []


def test_only_admins_set_a_teams_plan(
    user: User, emulator: AuthEmulator, stack_env: dict[str, str]
) -> None:
    owner, admin = user(), user()
    team_id = a_team(owner)
    plan = {"json": {"plan": "premium"}}
    path = f"/admin/teams/{team_id}/plan"
    assert refused(lambda: owner.call("PUT", path, **plan)) == (403, "ADMIN_ONLY")

    FirebaseUserDirectory("demo-fnt", production=False).set_plan(admin.uid, "admin")
    session = emulator.sign_in(admin.email, PASSWORD)
    admin.api.token = session.id_token  # the new token carries the role claim

    changed = admin.call("PUT", path, **plan)
    assert changed["plan"] == "premium"
    assert [(c["by_uid"], c["to_plan"]) for c in changed["changes"]] == [(admin.uid, "premium")]
    assert owner.call("GET", f"/teams/{team_id}")["plan"] == "premium"
