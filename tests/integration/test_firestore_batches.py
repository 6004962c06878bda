"""FirestoreBatchRepository against the Firestore emulator: round trips, races, listing."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from google.cloud import firestore

from shared.adapters.firestore_batches import BATCHES, ENDED, FirestoreBatchRepository
from shared.domain.batches import Batch, BatchStatus
from shared.domain.ids import BatchId, JobId, TeamId
from shared.domain.jobs import Engine, JobSettings
from shared.service.ports import BatchCursor

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("clean_firestore")]

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BATCH_ID = BatchId("b" * 32)
BOOKS = tuple(JobId(f"{n:032x}") for n in range(1, 11))


@pytest.fixture
def repo(firestore_client: firestore.Client) -> FirestoreBatchRepository:
    return FirestoreBatchRepository(firestore_client)


def a_batch(
    batch_id: BatchId = BATCH_ID,
    owner: str = "reader-1",
    created_at: datetime = NOW,
    job_ids: tuple[JobId, ...] = BOOKS,
) -> Batch:
    return Batch(
        id=batch_id,
        owner_uid=owner,
        name="Les classiques",
        status=BatchStatus.OPEN,
        settings=JobSettings(12, Engine.OFFLINE, keep_dialogue=True),
        created_at=created_at,
        updated_at=created_at,
        open_until=created_at + timedelta(minutes=20),
        job_ids=job_ids,
    )


def test_a_batch_comes_back_as_it_was_stored(repo: FirestoreBatchRepository) -> None:
    batch = dataclasses.replace(a_batch(), ended_count=2, failed_count=1)
    repo.add(batch)

    stored = repo.get(BATCH_ID)

    assert stored == batch
    assert stored is not None and stored.version is not None
    assert stored.settings == JobSettings(12, Engine.OFFLINE, keep_dialogue=True)
    assert all(isinstance(job_id, JobId) for job_id in stored.job_ids)
    assert repo.get(BatchId("c" * 32)) is None


def test_a_change_based_on_a_stale_read_is_refused(repo: FirestoreBatchRepository) -> None:
    repo.add(a_batch(job_ids=BOOKS[:2]))
    first = repo.get(BATCH_ID)
    assert first is not None
    later = NOW + timedelta(minutes=1)
    grown = first.with_files(later, BOOKS[2:4], later + timedelta(minutes=20))
    assert repo.compare_and_set(first, grown)

    assert not repo.compare_and_set(first, first.cancelled(later))
    stored = repo.get(BATCH_ID)
    assert stored is not None and stored.status is BatchStatus.OPEN
    assert stored.job_ids == BOOKS[:4]
    assert stored.open_until == later + timedelta(minutes=20)


def test_a_change_loses_to_a_book_ending_meanwhile(repo: FirestoreBatchRepository) -> None:
    repo.add(a_batch(job_ids=BOOKS[:1]))
    read = repo.get(BATCH_ID)
    assert read is not None

    assert repo.record_ended(BATCH_ID, BOOKS[0], failed=False)

    assert not repo.compare_and_set(read, read.cancelled(NOW))
    fresh = repo.get(BATCH_ID)
    assert fresh is not None and fresh.ended_count == 1
    finished = fresh.finished(NOW)
    assert finished is not None and repo.compare_and_set(fresh, finished)
    done = repo.get(BATCH_ID)
    assert done is not None and done.status is BatchStatus.COMPLETED
    assert done.completed_at == NOW


def test_a_book_is_counted_once_however_often_its_end_is_reported(
    repo: FirestoreBatchRepository,
) -> None:
    repo.add(a_batch())

    assert repo.record_ended(BATCH_ID, BOOKS[0], failed=True)
    assert not repo.record_ended(BATCH_ID, BOOKS[0], failed=True)
    assert not repo.record_ended(BATCH_ID, BOOKS[0], failed=False)
    assert repo.record_ended(BATCH_ID, BOOKS[1], failed=False)

    stored = repo.get(BATCH_ID)
    assert stored is not None and (stored.ended_count, stored.failed_count) == (2, 1)
    assert abs(stored.updated_at - datetime.now(UTC)) < timedelta(minutes=5), "the server's"


def test_books_ending_at_once_are_each_counted_exactly_once(
    repo: FirestoreBatchRepository,
) -> None:
    repo.add(a_batch())

    with ThreadPoolExecutor(10) as pool:
        first = list(pool.map(lambda n: repo.record_ended(BATCH_ID, BOOKS[n], n < 3), range(10)))
    with ThreadPoolExecutor(10) as pool:
        again = list(pool.map(lambda n: repo.record_ended(BATCH_ID, BOOKS[n], n < 3), range(10)))

    assert first == [True] * 10 and again == [False] * 10
    stored = repo.get(BATCH_ID)
    assert stored is not None and (stored.ended_count, stored.failed_count) == (10, 3)
    finished = stored.finished(NOW)
    assert finished is not None and finished.status is BatchStatus.COMPLETED_WITH_FAILURES


def test_an_end_reported_to_a_missing_batch_changes_nothing(
    repo: FirestoreBatchRepository, firestore_client: firestore.Client
) -> None:
    assert not repo.record_ended(BATCH_ID, BOOKS[0], failed=False)

    batch = firestore_client.collection(BATCHES).document(BATCH_ID)
    assert not batch.get().exists
    assert not batch.collection(ENDED).document(BOOKS[0]).get().exists, "no mark left behind"
    repo.add(a_batch())
    assert repo.record_ended(BATCH_ID, BOOKS[0], failed=False), "counted once it exists"


def test_an_owners_batches_list_newest_first_page_by_page(
    repo: FirestoreBatchRepository,
) -> None:
    # Two created in the same instant: the id breaks the tie, as the cursor does.
    times = [NOW, NOW + timedelta(minutes=1), NOW + timedelta(minutes=1), NOW + timedelta(hours=1)]
    ids = [BatchId(f"{n:x}" * 32) for n in range(1, 5)]
    for batch_id, created_at in zip(ids, times, strict=True):
        repo.add(a_batch(batch_id, created_at=created_at))
    repo.add(a_batch(BatchId("f" * 32), owner="someone-else", created_at=NOW))
    newest_first = [ids[3], ids[2], ids[1], ids[0]]

    assert [b.id for b in repo.list_for_owner("reader-1", 10, None)] == newest_first
    seen: list[BatchId] = []
    cursor = None
    while page := repo.list_for_owner("reader-1", 3, cursor):
        seen += [b.id for b in page]
        cursor = BatchCursor(page[-1].created_at, page[-1].id)
    assert seen == newest_first
    listed = repo.list_for_owner("reader-1", 1, BatchCursor(times[2], ids[2]))
    assert [b.id for b in listed] == [ids[1]]
    assert listed[0].version is not None
    assert repo.list_for_owner("nobody", 10, None) == []


def test_a_teams_batches_list_newest_first_whoever_made_them(
    repo: FirestoreBatchRepository,
) -> None:
    team = TeamId("7" * 32)
    mine = dataclasses.replace(a_batch(BatchId("1" * 32)), team_id=team)
    theirs = dataclasses.replace(
        a_batch(BatchId("2" * 32), owner="colleague", created_at=NOW + timedelta(minutes=1)),
        team_id=team,
    )
    repo.add(mine)
    repo.add(theirs)
    repo.add(a_batch(BatchId("3" * 32)))  # in its maker's own space

    listed = repo.list_for_team(team, 10, None)
    assert [(b.id, b.team_id) for b in listed] == [(theirs.id, team), (mine.id, team)]
    after = BatchCursor(theirs.created_at, theirs.id)
    assert [b.id for b in repo.list_for_team(team, 10, after)] == [mine.id]
    assert repo.list_for_team(TeamId("8" * 32), 10, None) == []


def test_a_deleted_batch_goes_with_its_marks(
    repo: FirestoreBatchRepository, firestore_client: firestore.Client
) -> None:
    repo.add(a_batch())
    repo.add(a_batch(BatchId("e" * 32)))
    for job_id in BOOKS[:3]:
        repo.record_ended(BATCH_ID, job_id, failed=False)

    repo.delete(BATCH_ID)
    repo.delete(BATCH_ID)  # a missing one is no error

    assert repo.get(BATCH_ID) is None
    marks = firestore_client.collection(BATCHES).document(BATCH_ID).collection(ENDED)
    assert list(marks.stream()) == []
    assert repo.get(BatchId("e" * 32)) is not None, "another batch stays"
