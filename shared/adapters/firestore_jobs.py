"""JobRepository on Firestore.

Layout: `jobs/{job_id}` holds the job; `jobs/{job_id}/chunks/{number}` marks a
finished chunk with its counts; `jobs/{job_id}/results/{part_id}` holds a slice of
the chunk's sentences (a whole novel does not fit one 1 MiB document);
`jobs/{job_id}/profiles/{generation}` and `jobs/{job_id}/pages/{generation}:{part}` keep
what the storage trigger learned of an upload and the pages it cleaned, for the chunks.

A job uploaded with a batch carries its `batch_id`, and a job in a team's space its
`team_id` (documents from before batches, or teams, have none and read as None).

Writes that race avoid transactions (contended ones stall): a job change is an
update conditioned on the job's last update time, and a chunk's results, its mark
and its share of the job's counters go in one batch whose `create` of the mark
fails if another delivery got there first.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from google.api_core import exceptions as google_errors
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.field_path import FieldPath

from shared.adapters.firestore_versions import update_if_unchanged
from shared.adapters.transient import transient_errors_as_unavailable
from shared.domain.ids import BatchId, JobId, TeamId
from shared.domain.jobs import Engine, Job, JobError, JobSettings, JobStatus
from shared.domain.sentences import Method, Note, OutputSentence
from shared.service.ports import ChunkRecord, JobCursor, ResultPart

JOBS = "jobs"
CHUNKS = "chunks"
RESULTS = "results"
PROFILES = "profiles"
PAGES = "pages"
PACKED = "packed"  # a result part's content (see part_to_document)
# A batch's request stays well under Firestore's 10 MiB: parts are at most ~1 MiB each.
_PARTS_PER_BATCH = 8
# Result parts fetched per query while paging through sentences (each up to ~400 KB).
_PARTS_PER_READ = 3
# Jobs asked for in one read by get_many.
_JOBS_PER_READ = 100


class FirestoreJobRepository:
    def __init__(self, client: firestore.Client) -> None:
        self._client = client
        self._jobs = client.collection(JOBS)

    @transient_errors_as_unavailable
    def add(self, job: Job) -> None:
        self._jobs.document(job.id).create(job_to_document(job))

    @transient_errors_as_unavailable
    def get(self, job_id: str) -> Job | None:
        snapshot = self._jobs.document(job_id).get()
        if not snapshot.exists:
            return None
        return job_from_document(job_id, snapshot.to_dict() or {}, version=snapshot.update_time)

    @transient_errors_as_unavailable
    def get_many(self, job_ids: Sequence[JobId]) -> list[Job]:
        """The jobs of those ids that exist, in the order asked (an id asked twice comes
        twice), each with its `version`."""
        found: dict[str, Job] = {}
        unique = list(dict.fromkeys(job_ids))
        for start in range(0, len(unique), _JOBS_PER_READ):
            references = [self._jobs.document(i) for i in unique[start : start + _JOBS_PER_READ]]
            for snapshot in self._client.get_all(references):
                if snapshot.exists:
                    document = snapshot.to_dict() or {}
                    found[snapshot.id] = job_from_document(
                        snapshot.id, document, version=snapshot.update_time
                    )
        return [found[job_id] for job_id in job_ids if job_id in found]

    @transient_errors_as_unavailable
    def compare_and_set(self, current: Job, new: Job) -> bool:
        document = self._jobs.document(current.id)
        before, after = job_to_document(current), job_to_document(new)
        return update_if_unchanged(self._client, document, before, after, current.version)

    @transient_errors_as_unavailable
    def record_chunk(
        self, job_id: str, record: ChunkRecord, parts: Sequence[ResultPart]
    ) -> int | None:
        job = self._jobs.document(job_id)
        batch = self._client.batch()
        for part in parts:
            batch.set(job.collection(RESULTS).document(part.id), part_to_document(part))
        batch.create(job.collection(CHUNKS).document(_chunk_id(record.number)), _record_doc(record))
        counters = {
            "chunks_done": firestore.Increment(1),
            "pages_done": firestore.Increment(record.pages),
            "sentence_count": firestore.Increment(record.sentence_count),
            "source_sentence_count": firestore.Increment(record.source_count),
            "prompt_tokens": firestore.Increment(record.prompt_tokens),
            "output_tokens": firestore.Increment(record.output_tokens),
            "thinking_tokens": firestore.Increment(record.thinking_tokens),
            "model_calls": firestore.Increment(record.model_calls),
            "updated_at": firestore.SERVER_TIMESTAMP,
        }
        batch.update(job, counters)
        try:
            results = batch.commit()
        except google_errors.AlreadyExists:
            return None
        # Each transform's result is the field's new value, in the order the client sends
        # them: sorted by field path. The job's update is the batch's last write.
        transformed = results[-1].transform_results[sorted(counters).index("chunks_done")]
        return int(transformed.integer_value)

    @transient_errors_as_unavailable
    def chunk_recorded(self, job_id: str, number: int) -> bool:
        marks = self._jobs.document(job_id).collection(CHUNKS)
        return marks.document(_chunk_id(number)).get().exists

    @transient_errors_as_unavailable
    def save_profile(self, job_id: str, generation: int, profile: str) -> None:
        profiles = self._jobs.document(job_id).collection(PROFILES)
        profiles.document(str(generation)).set({"json": profile})

    @transient_errors_as_unavailable
    def profile(self, job_id: str, generation: int) -> str | None:
        profiles = self._jobs.document(job_id).collection(PROFILES)
        snapshot = profiles.document(str(generation)).get()
        return (snapshot.to_dict() or {}).get("json") if snapshot.exists else None

    @transient_errors_as_unavailable
    def save_pages(self, job_id: str, generation: int, parts: Sequence[bytes]) -> None:
        pages = self._jobs.document(job_id).collection(PAGES)
        for start in range(0, len(parts), _PARTS_PER_BATCH):
            batch = self._client.batch()
            for number, part in enumerate(parts[start : start + _PARTS_PER_BATCH], start):
                batch.set(pages.document(_part_id(generation, number)), {"data": part})
            batch.commit()

    @transient_errors_as_unavailable
    def pages_part(self, job_id: str, generation: int, part: int) -> bytes | None:
        pages = self._jobs.document(job_id).collection(PAGES)
        snapshot = pages.document(_part_id(generation, part)).get()
        data = (snapshot.to_dict() or {}).get("data") if snapshot.exists else None
        return bytes(data) if data is not None else None

    @transient_errors_as_unavailable
    def chunk_records(self, job_id: str) -> list[ChunkRecord]:
        marks = self._jobs.document(job_id).collection(CHUNKS)
        return [
            _record_from(snapshot.to_dict() or {})
            for snapshot in marks.order_by(FieldPath.document_id()).stream()
        ]

    def result_parts(self, job_id: str, from_id: str | None = None) -> Iterator[ResultPart]:
        results = self._jobs.document(job_id).collection(RESULTS)
        operator = ">="
        while True:
            query = results.order_by(FieldPath.document_id()).limit(_PARTS_PER_READ)
            if from_id is not None:
                query = query.where(
                    filter=FieldFilter(FieldPath.document_id(), operator, results.document(from_id))
                )
            snapshots = _read(query)
            for snapshot in snapshots:
                yield part_from_document(snapshot.id, snapshot.to_dict() or {})
            if len(snapshots) < _PARTS_PER_READ:
                return
            from_id, operator = snapshots[-1].id, ">"

    @transient_errors_as_unavailable
    def count_active(self, owner_uid: str) -> int:
        """How many of the owner's jobs have not ended (one count aggregation)."""
        active = [str(status) for status in JobStatus if not status.is_final]
        query = self._jobs.where(filter=FieldFilter("owner_uid", "==", owner_uid)).where(
            filter=FieldFilter("status", "in", active)
        )
        aggregation: Any = query.count(alias="active")  # the client's stubs mistype it
        return int(aggregation.get()[0][0].value)

    @transient_errors_as_unavailable
    def list_for_owner(
        self, owner_uid: str, status: JobStatus | None, limit: int, after: JobCursor | None
    ) -> list[Job]:
        # Needs the composite indexes (owner_uid, created_at desc, __name__ desc) and
        # (owner_uid, status, created_at desc, __name__ desc).
        query = self._jobs.where(filter=FieldFilter("owner_uid", "==", owner_uid))
        return self._listed(query, status, limit, after)

    @transient_errors_as_unavailable
    def list_for_team(
        self, team_id: TeamId, status: JobStatus | None, limit: int, after: JobCursor | None
    ) -> list[Job]:
        # Needs the composite indexes (team_id, created_at desc, __name__ desc) and
        # (team_id, status, created_at desc, __name__ desc).
        query = self._jobs.where(filter=FieldFilter("team_id", "==", team_id))
        return self._listed(query, status, limit, after)

    def _listed(
        self, query: Any, status: JobStatus | None, limit: int, after: JobCursor | None
    ) -> list[Job]:
        """`query`'s jobs [of `status`], newest first, after the position `after`."""
        if status is not None:
            query = query.where(filter=FieldFilter("status", "==", str(status)))
        query = query.order_by("created_at", direction=firestore.Query.DESCENDING).order_by(
            FieldPath.document_id(), direction=firestore.Query.DESCENDING
        )
        if after is not None:
            query = query.start_after(
                {
                    "created_at": after.created_at,
                    FieldPath.document_id(): self._jobs.document(after.job_id),
                }
            )
        return [
            job_from_document(s.id, s.to_dict() or {}, version=s.update_time)
            for s in query.limit(limit).stream()
        ]

    @transient_errors_as_unavailable
    def record_export(self, job_id: str, summary: Mapping[str, object]) -> None:
        self._jobs.document(job_id).update({"exports": firestore.ArrayUnion([dict(summary)])})

    @transient_errors_as_unavailable
    def delete(self, job_id: str) -> None:
        self._client.recursive_delete(self._jobs.document(job_id))


@transient_errors_as_unavailable
def _read(query: Any) -> list[Any]:
    return list(query.stream())


def _chunk_id(number: int) -> str:
    return f"{number:05d}"


def _part_id(generation: int, part: int) -> str:
    return f"{generation}:{part:05d}"


def _record_doc(record: ChunkRecord) -> dict[str, object]:
    return dataclasses.asdict(record)


def _record_from(document: dict[str, Any]) -> ChunkRecord:
    times: dict[str, Any] = {
        name: plain_datetime(document.pop(name)) for name in ("started_at", "finished_at")
    }
    return ChunkRecord(**document, **times)


# Documents ---------------------------------------------------------------------

_COPIED = (
    "owner_uid", "filename", "size_bytes", "object_name", "created_at", "updated_at",
    "upload_expires_at", "generation", "page_count", "chunk_count", "tasks_enqueued",
    "dispatch_lease_until", "chunks_done", "pages_done", "sentence_count",
    "source_sentence_count", "started_at", "completed_at", "stats", "model",
    "prompt_version", "prompt_tokens", "output_tokens", "thinking_tokens", "model_calls",
    "traceparent", "waiting_for", "plan",
)  # fmt: skip


def job_to_document(job: Job) -> dict[str, Any]:
    document: dict[str, Any] = {name: getattr(job, name) for name in _COPIED}
    document["status"] = str(job.status)
    document["engine"] = str(job.engine)
    document["settings"] = {**dataclasses.asdict(job.settings), "engine": str(job.settings.engine)}
    document["chunk_offsets"] = list(job.chunk_offsets)
    document["source_offsets"] = list(job.source_offsets)
    document["error"] = dataclasses.asdict(job.error) if job.error else None
    document["exports"] = [dict(entry) for entry in job.exports]
    document["active_content"] = list(job.active_content)
    document["batch_id"] = job.batch_id
    document["team_id"] = job.team_id
    return document


def job_from_document(job_id: str, document: Mapping[str, Any], version: object) -> Job:
    fields: dict[str, Any] = {name: document.get(name) for name in _COPIED if name in document}
    error, batch_id, team_id = (document.get(k) for k in ("error", "batch_id", "team_id"))
    return Job(
        id=JobId(job_id),
        status=JobStatus(document["status"]),
        engine=Engine(document.get("engine", Engine.OFFLINE)),
        settings=JobSettings(**document.get("settings", {})),
        chunk_offsets=tuple(document.get("chunk_offsets", ())),
        source_offsets=tuple(document.get("source_offsets", ())),
        active_content=tuple(document.get("active_content", ())),
        error=JobError(**error) if error else None,
        exports=tuple(
            {**entry, "at": plain_datetime(entry.get("at"))}
            for entry in document.get("exports", ())
        ),
        batch_id=BatchId(batch_id) if batch_id else None,
        team_id=TeamId(team_id) if team_id else None,
        version=version,
        **{name: plain_datetime(value) for name, value in fields.items()},
    )


def part_to_document(part: ResultPart) -> dict[str, Any]:
    """A part's sentences, originals and notes packed into one compressed JSON value: the
    Firestore client encodes a few values instead of one per field of each sentence
    (most of a chunk's write time), and Firestore indexes none of them."""
    packed = {
        "sentences": [
            [s.text, s.page, s.source_index, str(s.method), s.flag] for s in part.sentences
        ],
        "originals": {str(index): text for index, text in part.originals.items()},
        "notes": [[note.number, note.text, note.page] for note in part.notes],
    }
    text = json.dumps(packed, ensure_ascii=False, separators=(",", ":"))
    return {"chunk": part.chunk, "offset": part.offset, PACKED: zlib.compress(text.encode(), 1)}


def part_from_document(part_id: str, document: Mapping[str, Any]) -> ResultPart:
    if PACKED not in document:
        return _unpacked_part(part_id, document)
    packed = json.loads(zlib.decompress(document[PACKED]))
    sentences = tuple(
        OutputSentence(text, source_index, page, Method(method), flag)
        for text, page, source_index, method, flag in packed["sentences"]
    )
    originals = {int(index): text for index, text in packed["originals"].items()}
    notes = tuple(Note(number, text, page) for number, text, page in packed["notes"])
    return ResultPart(part_id, document["chunk"], document["offset"], sentences, originals, notes)


def _unpacked_part(part_id: str, document: Mapping[str, Any]) -> ResultPart:
    """A part stored field by field, as before parts were packed."""
    sentences = tuple(
        OutputSentence(s["text"], s["source_index"], s["page"], Method(s["method"]), s.get("flag"))
        for s in document["sentences"]
    )
    originals = {int(index): text for index, text in document.get("originals", {}).items()}
    notes = tuple(Note(n["number"], n["text"], n["page"]) for n in document.get("notes", ()))
    return ResultPart(part_id, document["chunk"], document["offset"], sentences, originals, notes)


def plain_datetime(value: Any) -> Any:
    """Firestore returns its own datetime subclass; records compare equal with plain ones."""
    if isinstance(value, datetime):
        return datetime.fromtimestamp(value.timestamp(), tz=value.tzinfo)
    return value
