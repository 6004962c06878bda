"""FirestoreTeamRepository and FirestoreInviteRepository against the Firestore emulator:
round trips, compare-and-set races, a user's teams, racing accepts of one invitation;
and the `team_id` of jobs, batches and exports, with a team's jobs listed."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.cloud import firestore

from shared.adapters.firestore_batches import BATCHES, FirestoreBatchRepository
from shared.adapters.firestore_exports import EXPORTS, FirestoreExportRepository
from shared.adapters.firestore_jobs import JOBS, FirestoreJobRepository
from shared.adapters.firestore_teams import (
    INVITES,
    TEAMS,
    FirestoreInviteRepository,
    FirestoreTeamRepository,
)
from shared.domain.batches import Batch, BatchStatus
from shared.domain.errors import AppError, InviteUsed
from shared.domain.exports import Export, ExportKind, ExportStatus
from shared.domain.ids import BatchId, ExportId, JobId, TeamId
from shared.domain.jobs import Job, JobSettings, JobStatus
from shared.domain.teams import INVITE_LIFETIME, Invite, Team, TeamRole
from shared.domain.users import User
from shared.service import teams
from shared.service.deps import Deps
from shared.service.ports import JobCursor
from tests.fake_records import numbered_job
from tests.fakes import fake_world

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("clean_firestore")]

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TEAM_ID = TeamId("7" * 32)
OTHER_TEAM = TeamId("8" * 32)
# Firebase uids are any string of up to 128 characters: some are no valid field name.
ODD_UIDS = ("__reserved__", "a.b", "with/slash", "..", "é" * 128)


@pytest.fixture
def team_repo(firestore_client: firestore.Client) -> FirestoreTeamRepository:
    return FirestoreTeamRepository(firestore_client)


@pytest.fixture
def invite_repo(firestore_client: firestore.Client) -> FirestoreInviteRepository:
    return FirestoreInviteRepository(firestore_client)


def a_team(
    team_id: TeamId = TEAM_ID,
    members: dict[str, TeamRole] | None = None,
    created_at: datetime = NOW,
) -> Team:
    return Team(
        id=team_id,
        name="Club de lecture",
        created_at=created_at,
        updated_at=created_at,
        members=members or {"owner-1": TeamRole.OWNER},
    )


def an_invite(token_hash: str = "c" * 64, created_at: datetime = NOW, **changes: Any) -> Invite:
    invite = Invite(
        token_hash=token_hash,
        team_id=TEAM_ID,
        email="ana@example.com",
        role=TeamRole.MEMBER,
        invited_by="owner-1",
        created_at=created_at,
        expires_at=created_at + INVITE_LIFETIME,
    )
    return dataclasses.replace(invite, **changes)


# Teams --------------------------------------------------------------------------------


def test_a_team_comes_back_as_it_was_stored_whatever_its_members_uids(
    team_repo: FirestoreTeamRepository, firestore_client: firestore.Client
) -> None:
    members = {"owner-1": TeamRole.OWNER, **dict.fromkeys(ODD_UIDS, TeamRole.MEMBER)}
    emails = {"owner-1": "owner@example.com", ODD_UIDS[0]: "odd@example.com"}
    team = dataclasses.replace(a_team(members=members), plan="premium", emails=emails)
    team_repo.add(team)

    stored = team_repo.get(TEAM_ID)

    assert stored == team and stored is not None and stored.version is not None
    assert all(isinstance(role, TeamRole) for role in stored.members.values())
    assert team_repo.get(OTHER_TEAM) is None
    document = firestore_client.collection(TEAMS).document(TEAM_ID).get().to_dict() or {}
    assert sorted(document["member_uids"]) == sorted(members)
    assert document["members"]["owner-1"] == "owner"  # a plain uid is its own key
    assert document["emails"]["owner-1"] == "owner@example.com"


def test_a_users_teams_are_found_by_membership_oldest_first(
    team_repo: FirestoreTeamRepository,
) -> None:
    ids = [TeamId(f"{n:032x}") for n in range(1, 5)]
    for n, team_id in enumerate(ids):
        members = {"owner-1": TeamRole.OWNER, ODD_UIDS[0]: TeamRole.MEMBER} if n % 2 else None
        team_repo.add(a_team(team_id, members, NOW - timedelta(minutes=n)))

    assert [t.id for t in team_repo.list_for_member("owner-1")] == ids[::-1]
    assert [t.id for t in team_repo.list_for_member(ODD_UIDS[0])] == [ids[3], ids[1]]
    assert team_repo.list_for_member("nobody") == []
    assert all(t.version is not None for t in team_repo.list_for_member("owner-1"))


def test_a_member_removed_is_no_longer_found_in_their_teams(
    team_repo: FirestoreTeamRepository,
) -> None:
    team_repo.add(a_team(members={"owner-1": TeamRole.OWNER, "ana": TeamRole.MEMBER}))
    read = team_repo.get(TEAM_ID)
    assert read is not None and [t.id for t in team_repo.list_for_member("ana")] == [TEAM_ID]

    assert team_repo.compare_and_set(read, read.without_member(NOW, "ana"))

    assert team_repo.list_for_member("ana") == []
    stored = team_repo.get(TEAM_ID)
    assert stored is not None and dict(stored.members) == {"owner-1": TeamRole.OWNER}


def test_a_team_change_based_on_a_stale_read_is_refused(
    team_repo: FirestoreTeamRepository,
) -> None:
    team_repo.add(a_team())
    first = team_repo.get(TEAM_ID)
    assert first is not None
    later = NOW + timedelta(minutes=1)
    assert team_repo.compare_and_set(first, first.with_member(later, "ana", TeamRole.MEMBER))

    assert not team_repo.compare_and_set(first, first.with_member(later, "ben", TeamRole.OWNER))
    stored = team_repo.get(TEAM_ID)
    assert stored is not None and set(stored.members) == {"owner-1", "ana"}


def test_members_joining_at_once_are_all_kept(firestore_client: firestore.Client) -> None:
    """Each join reads the team, adds its member and compares-and-sets again until it wins."""
    deps = firestore_deps(firestore_client)
    owner = User("owner-1", "owner@example.com", "free", email_verified=True)
    team = teams.create_team(deps, owner, "Club")
    users = [
        User(f"member-{n}", f"m{n}@example.com", "free", email_verified=True) for n in range(8)
    ]
    tokens = [
        teams.invite(deps, owner.uid, team.id, str(user.email), TeamRole.MEMBER).token
        for user in users
    ]

    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(lambda pair: teams.accept_invite(deps, *pair), zip(users, tokens, strict=True))
        )

    stored = deps.teams.get(team.id)
    assert stored is not None and set(stored.members) == {"owner-1", *(u.uid for u in users)}
    assert [t.id for t in deps.teams.list_for_member("member-5")] == [team.id]


def test_a_deleted_team_is_gone(team_repo: FirestoreTeamRepository) -> None:
    team_repo.add(a_team())
    team_repo.delete(TEAM_ID)
    assert team_repo.get(TEAM_ID) is None and team_repo.list_for_member("owner-1") == []


# Invitations ------------------------------------------------------------------------------


def test_an_invite_comes_back_as_it_was_stored_under_its_hash(
    invite_repo: FirestoreInviteRepository, firestore_client: firestore.Client
) -> None:
    invite = an_invite()
    invite_repo.add(invite)
    accepted = an_invite("d" * 64, accepted_by="ana", accepted_at=NOW + timedelta(hours=1))
    invite_repo.add(accepted)

    assert invite_repo.get("c" * 64) == invite
    assert invite_repo.get("d" * 64) == accepted
    assert invite_repo.get("e" * 64) is None
    stored = firestore_client.collection(INVITES).document("c" * 64).get().to_dict() or {}
    assert (stored["team_id"], stored["role"]) == (TEAM_ID, "member")


def test_a_teams_invites_list_newest_first(invite_repo: FirestoreInviteRepository) -> None:
    hashes = [f"{n:064x}" for n in range(1, 5)]
    for n, token_hash in enumerate(hashes):
        invite_repo.add(an_invite(token_hash, NOW + timedelta(minutes=n)))
    invite_repo.add(an_invite("f" * 64, team_id=OTHER_TEAM))

    assert [i.token_hash for i in invite_repo.list_for_team(TEAM_ID)] == hashes[::-1]
    assert [i.token_hash for i in invite_repo.list_for_team(OTHER_TEAM)] == ["f" * 64]


def test_two_claims_of_one_read_invite_have_one_winner(
    invite_repo: FirestoreInviteRepository,
) -> None:
    invite_repo.add(an_invite())
    read = invite_repo.get("c" * 64)
    assert read is not None
    claims = [dataclasses.replace(read, accepted_by=uid, accepted_at=NOW) for uid in ("ana", "ben")]

    with ThreadPoolExecutor(2) as pool:
        won = list(pool.map(lambda claim: invite_repo.compare_and_set(read, claim), claims))

    assert sorted(won) == [False, True]
    stored = invite_repo.get("c" * 64)
    assert stored is not None and stored.accepted_by == ("ana" if won[0] else "ben")


def firestore_deps(client: firestore.Client) -> Deps:
    return dataclasses.replace(
        fake_world().deps,
        teams=FirestoreTeamRepository(client),
        invites=FirestoreInviteRepository(client),
    )


@pytest.mark.parametrize("racers", [2, 8])
def test_accepts_racing_on_one_invitation_make_one_member(
    firestore_client: firestore.Client, racers: int
) -> None:
    """Accounts with the invited address accept at once, each claiming the invitation
    from a read that found it pending: exactly one joins; the others are told it is used."""
    deps = firestore_deps(firestore_client)
    owner = User("owner-1", "owner@example.com", "free", email_verified=True)
    team = teams.create_team(deps, owner, "Club")
    made = teams.invite(deps, owner.uid, team.id, "ana@example.com", TeamRole.MEMBER)
    users = [
        User(f"ana-{n}", "ana@example.com", "free", email_verified=True) for n in range(racers)
    ]
    together = threading.Barrier(racers, timeout=20)
    read, claim = deps.invites.get, deps.invites.compare_and_set
    first_read: set[int] = set()
    first_claim: set[int] = set()

    def in_step(done: set[int]) -> None:
        """Each thread's first call waits for every racer's: nobody is ahead."""
        if threading.get_ident() not in done:
            done.add(threading.get_ident())
            together.wait()

    def read_together(token_hash: str) -> Invite | None:
        found = read(token_hash)
        in_step(first_read)  # every racer finds it pending before any goes on
        return found

    def claim_together(current: Invite, new: Invite) -> bool:
        in_step(first_claim)  # and claims it at the same moment
        return claim(current, new)

    deps.invites.get = read_together  # type: ignore[method-assign]
    deps.invites.compare_and_set = claim_together  # type: ignore[method-assign]

    def accept(user: User) -> str:
        try:
            teams.accept_invite(deps, user, made.token)
        except AppError as error:
            return error.code
        return "joined"

    with ThreadPoolExecutor(racers) as pool:
        outcomes = list(pool.map(accept, users))

    assert sorted(outcomes) == sorted(["joined"] + [InviteUsed.code] * (racers - 1))
    winner = users[outcomes.index("joined")].uid
    stored = deps.teams.get(team.id)
    assert stored is not None and dict(stored.members) == {
        "owner-1": TeamRole.OWNER, winner: TeamRole.MEMBER,
    }  # fmt: skip
    claimed = read(made.invite.token_hash)
    assert claimed is not None and claimed.accepted_by == winner


# team_id on jobs, batches and exports -------------------------------------------------------


def a_job(number: int, team_id: TeamId | None, created_at: datetime, **changes: Any) -> Job:
    owner = f"owner-{number % 2}"
    return numbered_job(number, created_at, owner_uid=owner, team_id=team_id, **changes)


def test_a_jobs_team_comes_back_and_documents_from_before_teams_have_none(
    firestore_client: firestore.Client,
) -> None:
    jobs = FirestoreJobRepository(firestore_client)
    jobs.add(a_job(1, TEAM_ID, NOW))
    jobs.add(a_job(2, None, NOW))
    firestore_client.collection(JOBS).document(JobId(f"{2:032x}")).update(
        {"team_id": firestore.DELETE_FIELD}
    )

    first, second = (jobs.get(JobId(f"{n:032x}")) for n in (1, 2))
    assert first is not None and first.team_id == TEAM_ID and isinstance(first.team_id, TeamId)
    assert second is not None and second.team_id is None


def test_a_teams_jobs_list_newest_first_by_status_page_by_page(
    firestore_client: firestore.Client,
) -> None:
    jobs = FirestoreJobRepository(firestore_client)
    times = [NOW + timedelta(minutes=n // 2) for n in range(6)]  # pairs made in one instant
    for n, at in enumerate(times, 1):
        status = JobStatus.FAILED if n % 3 == 0 else JobStatus.COMPLETED
        jobs.add(a_job(n, TEAM_ID, at, status=status))
    jobs.add(a_job(7, OTHER_TEAM, NOW))
    jobs.add(a_job(8, None, NOW))
    newest_first = [JobId(f"{n:032x}") for n in (6, 5, 4, 3, 2, 1)]

    assert [j.id for j in jobs.list_for_team(TEAM_ID, None, 10, None)] == newest_first
    failed = jobs.list_for_team(TEAM_ID, JobStatus.FAILED, 10, None)
    assert [j.id for j in failed] == [newest_first[0], newest_first[3]]
    pages, cursor = [], None
    while page := jobs.list_for_team(TEAM_ID, None, 4, cursor):
        pages.append([j.id for j in page])
        cursor = JobCursor(page[-1].created_at, page[-1].id)
    assert pages == [newest_first[:4], newest_first[4:]]
    assert [j.id for j in jobs.list_for_team(OTHER_TEAM, None, 10, None)] == [JobId(f"{7:032x}")]


def test_a_batchs_and_an_exports_team_come_back_and_old_documents_have_none(
    firestore_client: firestore.Client,
) -> None:
    batches, exports = (
        FirestoreBatchRepository(firestore_client),
        FirestoreExportRepository(firestore_client),
    )
    batch = Batch(
        id=BatchId("b" * 32),
        owner_uid="owner-1",
        name="Les classiques",
        status=BatchStatus.OPEN,
        settings=JobSettings(8),
        created_at=NOW,
        updated_at=NOW,
        open_until=NOW + timedelta(minutes=20),
        team_id=TEAM_ID,
    )
    export = Export(
        id=ExportId("e" * 32),
        owner_uid="owner-1",
        job_id=JobId("a" * 32),
        kind=ExportKind.CSV,
        columns=("index", "sentence"),
        created_at=NOW,
        status=ExportStatus.DONE,
        team_id=TEAM_ID,
    )
    batches.add(batch)
    exports.add(export)

    assert batches.get(batch.id) == batch and exports.get(export.id) == export
    for collection, record_id in ((BATCHES, batch.id), (EXPORTS, export.id)):
        firestore_client.collection(collection).document(record_id).update(
            {"team_id": firestore.DELETE_FIELD}
        )
    old_batch, old_export = batches.get(batch.id), exports.get(export.id)
    assert old_batch is not None and old_batch.team_id is None
    assert old_export is not None and old_export.team_id is None
