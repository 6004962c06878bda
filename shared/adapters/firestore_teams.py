"""TeamRepository and InviteRepository on Firestore.

Layout: `teams/{team_id}` holds a team: its name, plan, times, `members` (a map of
role by member) and `member_uids` (the members' uids, as an array, which
`list_for_member` queries with array-contains). A map's keys are field names, and a
Firebase uid may be one Firestore refuses (`__x__`): the keys are the uids as
`firestore_ids.document_id` spells them (a plain uid as it is, any other hashed), and
`member_uids` holds the uids themselves.

`invites/{token_hash}` holds an invitation, under the SHA-256 of its token (the token
itself is never stored), with its `team_id`.

Both change by an update conditioned on their last update time
(`firestore_versions.update_if_unchanged`): of two accepts of one invitation, or two
changes of one team's members, exactly one is written; the other reads again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from shared.adapters.firestore_ids import document_id
from shared.adapters.firestore_jobs import plain_datetime
from shared.adapters.firestore_versions import update_if_unchanged
from shared.adapters.transient import transient_errors_as_unavailable
from shared.domain.ids import TeamId
from shared.domain.teams import Invite, Team, TeamRole

TEAMS = "teams"
INVITES = "invites"


class FirestoreTeamRepository:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client
        self._teams = client.collection(TEAMS)

    @transient_errors_as_unavailable
    def add(self, team: Team) -> None:
        self._teams.document(team.id).create(team_to_document(team))

    @transient_errors_as_unavailable
    def get(self, team_id: TeamId) -> Team | None:
        snapshot = self._teams.document(team_id).get()
        if not snapshot.exists:
            return None
        return team_from_document(team_id, snapshot.to_dict() or {}, snapshot.update_time)

    @transient_errors_as_unavailable
    def compare_and_set(self, current: Team, new: Team) -> bool:
        document = self._teams.document(current.id)
        before, after = team_to_document(current), team_to_document(new)
        return update_if_unchanged(self._client, document, before, after, current.version)

    @transient_errors_as_unavailable
    def list_for_member(self, uid: str) -> list[Team]:
        # array-contains alone is served by the single-field index (no composite index);
        # a user is in a few teams, sorted here.
        query = self._teams.where(filter=FieldFilter("member_uids", "array_contains", uid))
        found = [team_from_document(s.id, s.to_dict() or {}, s.update_time) for s in query.stream()]
        return sorted(found, key=lambda team: (team.created_at, team.id))

    @transient_errors_as_unavailable
    def delete(self, team_id: TeamId) -> None:
        self._teams.document(team_id).delete()


class FirestoreInviteRepository:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client
        self._invites = client.collection(INVITES)

    @transient_errors_as_unavailable
    def add(self, invite: Invite) -> None:
        self._invites.document(invite.token_hash).create(invite_to_document(invite))

    @transient_errors_as_unavailable
    def get(self, token_hash: str) -> Invite | None:
        snapshot = self._invites.document(token_hash).get()
        if not snapshot.exists:
            return None
        return invite_from_document(snapshot.id, snapshot.to_dict() or {}, snapshot.update_time)

    @transient_errors_as_unavailable
    def compare_and_set(self, current: Invite, new: Invite) -> bool:
        document = self._invites.document(current.token_hash)
        before, after = invite_to_document(current), invite_to_document(new)
        return update_if_unchanged(self._client, document, before, after, current.version)

    @transient_errors_as_unavailable
    def list_for_team(self, team_id: TeamId) -> list[Invite]:
        # Needs the composite index (team_id, created_at desc).
        query = self._invites.where(filter=FieldFilter("team_id", "==", team_id)).order_by(
            "created_at", direction=firestore.Query.DESCENDING
        )
        return [
            invite_from_document(s.id, s.to_dict() or {}, s.update_time) for s in query.stream()
        ]


# Documents ---------------------------------------------------------------------

_TEAM_COPIED = ("name", "plan", "created_at", "updated_at")
_INVITE_COPIED = ("email", "invited_by", "created_at", "expires_at", "accepted_by", "accepted_at")


def team_to_document(team: Team) -> dict[str, Any]:
    document: dict[str, Any] = {name: getattr(team, name) for name in _TEAM_COPIED}
    document["members"] = {document_id(uid): str(role) for uid, role in team.members.items()}
    document["member_uids"] = list(team.members)
    document["emails"] = {document_id(uid): email for uid, email in team.emails.items()}
    return document


def team_from_document(team_id: str, document: Mapping[str, Any], version: object) -> Team:
    roles, emails = document.get("members", {}), document.get("emails", {})
    uids = document["member_uids"]
    return Team(
        id=TeamId(team_id),
        members={uid: TeamRole(roles[document_id(uid)]) for uid in uids},
        emails={uid: emails[document_id(uid)] for uid in uids if document_id(uid) in emails},
        version=version,
        **{name: plain_datetime(document[name]) for name in _TEAM_COPIED if name in document},
    )


def invite_to_document(invite: Invite) -> dict[str, Any]:
    document: dict[str, Any] = {name: getattr(invite, name) for name in _INVITE_COPIED}
    document["team_id"] = invite.team_id
    document["role"] = str(invite.role)
    return document


def invite_from_document(token_hash: str, document: Mapping[str, Any], version: object) -> Invite:
    return Invite(
        token_hash=token_hash,
        team_id=TeamId(document["team_id"]),
        role=TeamRole(document["role"]),
        version=version,
        **{name: plain_datetime(document.get(name)) for name in _INVITE_COPIED},
    )
