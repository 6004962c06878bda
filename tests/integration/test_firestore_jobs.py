"""FirestoreJobRepository against the Firestore emulator: round trips and races."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from google.cloud import firestore

from shared.adapters.firestore_cache import FirestoreRewriteCache
from shared.adapters.firestore_jobs import FirestoreJobRepository
from shared.domain.ids import BatchId, JobId
from shared.domain.jobs import Job, JobError, JobSettings, JobStatus
from shared.domain.sentences import Method, Note, OutputSentence
from shared.service import chunks
from shared.service.deps import Limits
from shared.service.job_updates import update_job
from shared.service.ports import ChunkRecord, ResultPart
from shared.text.pipeline import process_pdf
from tests.drive import all_sentences, chunk_tasks, upload_and_trigger
from tests.fakes import fake_world

pytestmark = [pytest.mark.stack, pytest.mark.usefixtures("clean_firestore")]

SAMPLE = (Path(__file__).parents[2] / "samples" / "sample-novel.pdf").read_bytes()
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RAN = {"started_at": NOW, "finished_at": NOW + timedelta(seconds=1)}


@pytest.fixture
def repo(firestore_client: firestore.Client) -> FirestoreJobRepository:
    return FirestoreJobRepository(firestore_client)


JOB_ID = JobId("a" * 32)


def a_job(job_id: JobId = JOB_ID, status: JobStatus = JobStatus.PROCESSING) -> Job:
    return Job(
        id=job_id,
        owner_uid="reader-1",
        status=status,
        filename="Le Horla.pdf",
        size_bytes=123_456,
        settings=JobSettings(12),
        object_name=f"uploads/{job_id}.pdf",
        created_at=NOW,
        updated_at=NOW,
        upload_expires_at=NOW + timedelta(minutes=20),
        generation=1_700_000_000_123_456,
        page_count=40,
        chunk_count=4,
        chunk_offsets=(0, 10),
        error=JobError("X", "y"),
        stats={"pages_without_text": 1},
    )


def test_a_job_comes_back_as_it_was_stored(repo: FirestoreJobRepository) -> None:
    job = a_job()
    repo.add(job)

    stored = repo.get(job.id)

    assert stored == job
    assert stored is not None and stored.version is not None
    assert repo.get(JobId("b" * 32)) is None


def test_a_batchs_book_keeps_its_batch_and_jobs_stored_before_batches_have_none(
    repo: FirestoreJobRepository, firestore_client: firestore.Client
) -> None:
    book = dataclasses.replace(a_job(), batch_id=BatchId("b" * 32))
    repo.add(book)
    older = JobId("c" * 32)
    repo.add(a_job(older))
    document = firestore_client.collection("jobs").document(older)
    document.update({"batch_id": firestore.DELETE_FIELD})
    assert "batch_id" not in (document.get().to_dict() or {})

    assert repo.get(JOB_ID) == book
    assert isinstance(repo.get(JOB_ID).batch_id, BatchId)  # type: ignore[union-attr]
    stored = repo.get(older)
    assert stored == a_job(older) and stored.batch_id is None
    assert repo.compare_and_set(stored, stored.changed(NOW, pages_done=3))
    assert repo.get(older).pages_done == 3  # type: ignore[union-attr]


def test_many_jobs_come_back_in_the_order_asked_without_the_missing(
    repo: FirestoreJobRepository,
) -> None:
    ids = [JobId(f"{n:x}" * 32) for n in range(1, 6)]
    for job_id in ids:
        repo.add(a_job(job_id))
    missing = JobId("f" * 32)
    asked = [ids[3], missing, ids[0], ids[4], ids[1]]

    found = repo.get_many(asked)

    assert [job.id for job in found] == [ids[3], ids[0], ids[4], ids[1]]
    assert found[0] == a_job(ids[3]) and all(job.version is not None for job in found)
    assert repo.get_many([]) == []
    assert repo.get_many([missing]) == []
    many = [JobId(f"{n:032x}") for n in range(250)]  # more than one read
    for job_id in many[::50]:
        repo.add(a_job(job_id))
    assert [job.id for job in repo.get_many(list(reversed(many)))] == list(reversed(many[::50]))


def test_a_change_based_on_a_stale_read_is_refused(repo: FirestoreJobRepository) -> None:
    repo.add(a_job())
    first = repo.get(JOB_ID)
    assert first is not None
    assert repo.compare_and_set(first, first.changed(NOW, pages_done=5))

    assert not repo.compare_and_set(first, first.changed(NOW, pages_done=9))
    assert repo.get(first.id).pages_done == 5  # type: ignore[union-attr]


def test_racing_completions_complete_the_job_exactly_once(repo: FirestoreJobRepository) -> None:
    repo.add(a_job())

    def complete(current: Job) -> Job | None:
        if current.status is not JobStatus.PROCESSING:
            return None
        return current.moved_to(JobStatus.COMPLETED, NOW, completed_at=NOW)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: update_job(repo, JOB_ID, complete)[1], range(8)))

    assert results.count(True) == 1
    assert repo.get(JOB_ID).status is JobStatus.COMPLETED  # type: ignore[union-attr]


def _part(chunk: int, texts: list[str]) -> ResultPart:
    sentences = tuple(OutputSentence(t, i, chunk + 1, Method.KEPT) for i, t in enumerate(texts))
    return ResultPart(f"{chunk:05d}-0000", chunk, 0, sentences)


def test_a_chunk_is_recorded_once_and_counted_once(repo: FirestoreJobRepository) -> None:
    repo.add(a_job())
    record = ChunkRecord(2, sentence_count=2, source_count=1, pages=10, pages_without_text=0, **RAN)

    assert repo.record_chunk(JOB_ID, record, [_part(2, ["Il pleut.", "Elle rit."])]) == 1
    assert repo.record_chunk(JOB_ID, record, [_part(2, ["Autre chose."])]) is None

    job = repo.get(JOB_ID)
    assert job is not None and (job.chunks_done, job.pages_done, job.sentence_count) == (1, 10, 2)
    assert repo.chunk_recorded(JOB_ID, 2) and not repo.chunk_recorded(JOB_ID, 1)
    (part,) = repo.result_parts(JOB_ID)
    assert [s.text for s in part.sentences] == ["Il pleut.", "Elle rit."]


def test_chunks_recorded_in_parallel_add_up_exactly(repo: FirestoreJobRepository) -> None:
    repo.add(a_job())

    def record(number: int) -> int | None:
        entry = ChunkRecord(
            number, sentence_count=3, source_count=2, pages=5, pages_without_text=0, **RAN
        )
        return repo.record_chunk(JOB_ID, entry, [_part(number, ["Un.", "Deux.", "Trois."])])

    with ThreadPoolExecutor(8) as pool:
        counts = list(pool.map(record, [n % 12 for n in range(24)]))

    # Each chunk is counted once, and each count after a recording is told exactly once:
    # the one that hears 12 is the last.
    assert sorted(c for c in counts if c is not None) == list(range(1, 13))

    job = repo.get(JOB_ID)
    assert job is not None and (job.chunks_done, job.sentence_count) == (12, 36)
    records = repo.chunk_records(JOB_ID)
    assert [r.number for r in records] == list(range(12))
    assert records[0].finished_at - records[0].started_at == timedelta(seconds=1)


def test_result_parts_page_in_book_order_from_any_part(repo: FirestoreJobRepository) -> None:
    repo.add(a_job())
    for number in [3, 0, 7, 1, 5]:
        entry = ChunkRecord(number, 1, 1, 1, 0, **RAN)
        repo.record_chunk(JOB_ID, entry, [_part(number, [f"Phrase {number}."])])

    assert [p.chunk for p in repo.result_parts(JOB_ID)] == [0, 1, 3, 5, 7]
    assert [p.chunk for p in repo.result_parts(JOB_ID, "00003-0000")] == [3, 5, 7]


def test_a_part_comes_back_whole_and_parts_stored_field_by_field_still_read(
    repo: FirestoreJobRepository, firestore_client: firestore.Client
) -> None:
    repo.add(a_job())
    part = ResultPart(
        "00000-0000",
        0,
        0,
        (
            OutputSentence("« Où vas-tu ? »", 0, 1, Method.KEPT),
            OutputSentence("Il partit à l’aube.", 1, 2, Method.REWRITTEN, "gemini_failed_checks"),
        ),
        {0: "« Où vas-tu ? »", 1: "Il partit à l’aube, sans un mot, vers la mer."},
        (Note("*", "Voir p. 12.", 2),),
    )
    repo.record_chunk(JOB_ID, ChunkRecord(0, 2, 2, 2, 0, **RAN), [part])
    legacy = {
        "chunk": 1,
        "offset": 0,
        "sentences": [{"text": "Elle rit.", "page": 3, "source_index": 0, "method": "kept"}],
        "originals": {"0": "Elle rit."},
        "notes": [{"number": "1", "text": "Une note.", "page": 3}],
    }
    job = firestore_client.collection("jobs").document(JOB_ID)
    job.collection("results").document("00001-0000").set(legacy)

    stored, older = repo.result_parts(JOB_ID)

    assert stored == part
    assert older.sentences == (OutputSentence("Elle rit.", 0, 3, Method.KEPT),)
    assert (older.originals, older.notes) == ({0: "Elle rit."}, (Note("1", "Une note.", 3),))


def test_stored_pages_come_back_by_upload_and_part_and_go_with_the_job(
    repo: FirestoreJobRepository,
) -> None:
    repo.add(a_job())
    generation = 1_700_000_000_123_456
    parts = [bytes([n]) * (300_000 + n) for n in range(20)]  # several batches' worth

    repo.save_pages(JOB_ID, generation, parts)

    assert [repo.pages_part(JOB_ID, generation, n) for n in range(20)] == parts
    assert repo.pages_part(JOB_ID, generation, 20) is None
    assert repo.pages_part(JOB_ID, generation + 1, 0) is None, "another upload's"
    repo.delete(JOB_ID)
    assert repo.pages_part(JOB_ID, generation, 0) is None


def test_a_book_in_parallel_chunks_on_firestore_completes_once_with_every_sentence(
    repo: FirestoreJobRepository,
) -> None:
    world = fake_world(Limits(pages_per_chunk=4))
    world.deps = deps = dataclasses.replace(world.deps, jobs=repo)
    job_id = upload_and_trigger(world, SAMPLE, owner="reader-1")
    work = chunk_tasks(world)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda task: chunks.run_chunk(deps, task, 1), work + work[:3]))

    done = repo.get(job_id)
    assert done is not None and done.status is JobStatus.COMPLETED
    assert done.chunks_done == len(work) == 8
    found = all_sentences(deps, job_id, "reader-1")
    expected = [s.to_dict() for s in process_pdf(SAMPLE, 8)]
    assert [{k: v for k, v in s.items() if k != "index"} for s in found] == expected


def test_the_rewrite_cache_returns_what_was_put_and_nothing_else(
    firestore_client: firestore.Client,
) -> None:
    cache = FirestoreRewriteCache(firestore_client)
    entries = {f"key-{n}": [f"Phrase {n}.", "Une autre."] for n in range(450)}

    cache.put_many(entries)

    assert cache.get_many(["key-3", "key-449", "missing"]) == {
        "key-3": ["Phrase 3.", "Une autre."],
        "key-449": ["Phrase 449.", "Une autre."],
    }
    assert cache.get_many([]) == {}
