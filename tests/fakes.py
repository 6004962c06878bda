"""In-memory fakes of the service layer's ports, with the semantics the adapters promise."""

from __future__ import annotations

import dataclasses
import itertools
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from shared.domain.errors import ObjectMissing, ScannerUnavailable, Unavailable
from shared.domain.exports import Export, SheetsOptions
from shared.domain.jobs import Job, JobStatus
from shared.domain.plans import PLANS, PlanLimits, plans_with
from shared.domain.users import UserSettings
from shared.gemini.cache import MemoryCache
from shared.gemini.ports import ModelAnswer, ModelRequest, RewriteCache, TextModel, Usage
from shared.ratelimit import DEFAULT_POLICY, EndpointClass, MemoryRateLimiter
from shared.service.deps import Deps, Limits
from shared.service.engines import Engines
from shared.service.gemini_text_engine import GeminiEngine, GeminiSetup, GeminiUnavailable
from shared.service.offline_text_engine import OfflineEngine
from shared.service.ports import (
    ChunkRecord,
    JobCursor,
    ResultPart,
    ScanVerdict,
    SignedUpload,
    Task,
    WrittenSheet,
)
from shared.text.offline_engine import split_sentence
from tests.fake_records import (
    FakeAuditLog,
    FakeBatchRepository,
    FakeInviteRepository,
    FakeSealer,
    FakeTeamRepository,
    FakeUsageCounters,
    FakeUserDirectory,
    FakeWebhookRepository,
    FakeWebhookSender,
)


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class FakeJobRepository:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._chunks: dict[str, dict[int, ChunkRecord]] = {}
        self._parts: dict[str, dict[str, ResultPart]] = {}
        self._revisions = itertools.count(1)
        self._lock = threading.Lock()
        self.reads = 0  # of jobs, by `get`
        self.profiles: dict[tuple[str, int], str] = {}
        self.pages: dict[tuple[str, int, int], bytes] = {}  # (job, generation, part)

    def add(self, job: Job) -> None:
        with self._lock:
            if job.id in self._jobs:
                raise ValueError(f"job {job.id} exists")
            self._jobs[job.id] = dataclasses.replace(job, version=next(self._revisions))

    def get(self, job_id: str) -> Job | None:
        self.reads += 1
        return self._jobs.get(job_id)

    def count_active(self, owner_uid: str) -> int:
        mine = [job for job in self._jobs.values() if job.owner_uid == owner_uid]
        return sum(1 for job in mine if not job.status.is_final)

    def get_many(self, job_ids: Sequence[str]) -> list[Job]:
        self.reads += len(job_ids)
        return [self._jobs[job_id] for job_id in job_ids if job_id in self._jobs]

    def compare_and_set(self, current: Job, new: Job) -> bool:
        with self._lock:
            stored = self._jobs[current.id]
            if stored.version != current.version:
                return False
            changes = {
                f.name: getattr(new, f.name)
                for f in dataclasses.fields(Job)
                if f.name != "version" and getattr(new, f.name) != getattr(current, f.name)
            }
            self._jobs[current.id] = dataclasses.replace(
                stored, **changes, version=next(self._revisions)
            )
            return True

    def record_chunk(
        self, job_id: str, record: ChunkRecord, parts: Sequence[ResultPart]
    ) -> int | None:
        with self._lock:
            chunks = self._chunks.setdefault(job_id, {})
            if record.number in chunks:
                return None
            chunks[record.number] = record
            self._parts.setdefault(job_id, {}).update({part.id: part for part in parts})
            job = self._jobs[job_id]
            self._jobs[job_id] = dataclasses.replace(
                job,
                chunks_done=job.chunks_done + 1,
                pages_done=job.pages_done + record.pages,
                sentence_count=job.sentence_count + record.sentence_count,
                source_sentence_count=job.source_sentence_count + record.source_count,
                prompt_tokens=job.prompt_tokens + record.prompt_tokens,
                output_tokens=job.output_tokens + record.output_tokens,
                thinking_tokens=job.thinking_tokens + record.thinking_tokens,
                model_calls=job.model_calls + record.model_calls,
                version=next(self._revisions),
            )
            return job.chunks_done + 1

    def save_profile(self, job_id: str, generation: int, profile: str) -> None:
        self.profiles[job_id, generation] = profile

    def profile(self, job_id: str, generation: int) -> str | None:
        return self.profiles.get((job_id, generation))

    def save_pages(self, job_id: str, generation: int, parts: Sequence[bytes]) -> None:
        for number, part in enumerate(parts):
            self.pages[job_id, generation, number] = part

    def pages_part(self, job_id: str, generation: int, part: int) -> bytes | None:
        return self.pages.get((job_id, generation, part))

    def chunk_recorded(self, job_id: str, number: int) -> bool:
        return number in self._chunks.get(job_id, {})

    def chunk_records(self, job_id: str) -> list[ChunkRecord]:
        return [record for _, record in sorted(self._chunks.get(job_id, {}).items())]

    def result_parts(self, job_id: str, from_id: str | None = None) -> Iterator[ResultPart]:
        parts = self._parts.get(job_id, {})
        for part_id in sorted(parts):
            if from_id is None or part_id >= from_id:
                yield parts[part_id]

    def list_for_owner(
        self, owner_uid: str, status: JobStatus | None, limit: int, after: JobCursor | None
    ) -> list[Job]:
        return self._listed(lambda j: j.owner_uid == owner_uid, status, limit, after)

    def list_for_team(
        self, team_id: str, status: JobStatus | None, limit: int, after: JobCursor | None
    ) -> list[Job]:
        return self._listed(lambda j: j.team_id == team_id, status, limit, after)

    def _listed(
        self,
        wanted: Callable[[Job], bool],
        status: JobStatus | None,
        limit: int,
        after: JobCursor | None,
    ) -> list[Job]:
        jobs = sorted(
            (j for j in self._jobs.values() if wanted(j)),
            key=lambda j: (j.created_at, j.id),
            reverse=True,
        )
        if status is not None:
            jobs = [j for j in jobs if j.status is status]
        if after is not None:
            jobs = [j for j in jobs if (j.created_at, j.id) < (after.created_at, after.job_id)]
        return jobs[:limit]

    def record_export(self, job_id: str, summary: Mapping[str, object]) -> None:
        with self._lock:
            job = self._jobs[job_id]
            self._jobs[job_id] = dataclasses.replace(
                job, exports=(*job.exports, dict(summary)), version=next(self._revisions)
            )

    def delete(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)
            self._chunks.pop(job_id, None)
            self._parts.pop(job_id, None)
            for key in [key for key in self.profiles if key[0] == job_id]:
                del self.profiles[key]


class FakeExportRepository:
    def __init__(self) -> None:
        self.saved: dict[str, Export] = {}
        self.claims: set[str] = set()

    def add(self, export: Export) -> None:
        self.saved[export.id] = export

    def get(self, export_id: str) -> Export | None:
        return self.saved.get(export_id)

    def save(self, export: Export) -> None:
        self.saved[export.id] = export

    def claim(self, export_id: str) -> bool:
        if export_id in self.claims:
            return False
        self.claims.add(export_id)
        return True

    def release(self, export_id: str) -> None:
        self.claims.discard(export_id)


class FakeUserSettings:
    def __init__(self) -> None:
        self.saved: dict[str, UserSettings] = {}

    def get(self, uid: str) -> UserSettings | None:
        return self.saved.get(uid)

    def put(self, uid: str, settings: UserSettings) -> None:
        self.saved[uid] = settings


class FakeObjectStore:
    def __init__(self) -> None:
        self.objects: dict[str, tuple[int, bytes]] = {}
        self.history: dict[tuple[str, int], bytes] = {}
        self._generations = itertools.count(1_000)
        self.reads = 0

    def signed_upload(
        self, name: str, content_type: str, size_bytes: int, expires_at: datetime
    ) -> SignedUpload:
        headers = {"content-type": content_type, "x-goog-content-length-range": f"0,{size_bytes}"}
        return SignedUpload(f"https://storage.test/{name}?signed", "PUT", headers, expires_at)

    def read(self, name: str, generation: int | None = None) -> bytes:
        self.reads += 1
        if generation is not None and (name, generation) in self.history:
            return self.history[name, generation]
        if name not in self.objects or generation not in (None, self.objects[name][0]):
            raise ObjectMissing(f"no object {name} (generation {generation})")
        return self.objects[name][1]

    def write(self, name: str, data: bytes, content_type: str) -> int:
        generation = next(self._generations)
        self.objects[name] = (generation, data)
        self.history[name, generation] = data
        return generation

    def delete(self, name: str) -> None:
        self.objects.pop(name, None)

    def signed_download(self, name: str, filename: str, expires_at: datetime) -> str:
        return f"https://storage.test/{name}?download={filename}&expires={expires_at:%s}"

    def copy(self, name: str, generation: int, new_name: str) -> int:
        return self.write(new_name, self.read(name, generation), "application/pdf")


class FakeTaskQueue:
    """Keeps tasks by name, as Cloud Tasks dedupes them; `fail_next` simulates an outage."""

    def __init__(self) -> None:
        self.tasks: dict[str, Task] = {}
        self.enqueued = 0
        self.fail_next = 0

    def enqueue(self, task: Task) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise Unavailable("the queue is unavailable")
        self.enqueued += 1
        self.tasks.setdefault(task.name, task)

    def of_kind(self, kind: str) -> list[Task]:
        return [task for task in self.tasks.values() if task.message.kind == kind]


def items_of(request: ModelRequest) -> list[dict[str, str]]:
    return json.loads(request.prompt.splitlines()[-1])  # the prompts end with the items


def good_rewrite(text: str, limit: int = 8) -> list[str]:
    """A faithful rewrite: the offline engine's pieces (they keep every word)."""
    return [piece.text for piece in split_sentence(text, limit)]


Rewriter = Callable[[str], list[str]]


class ScriptedModel:
    """Answers each request by `rewriter`, unless `script` (consumed in order) says otherwise."""

    model_name = "gemini-test"

    def __init__(self, rewriter: Rewriter = good_rewrite) -> None:
        self.rewriter = rewriter
        self.script: list[Callable[[ModelRequest], ModelAnswer]] = []
        self.requests: list[ModelRequest] = []
        self._lock = threading.Lock()

    def generate(self, request: ModelRequest) -> ModelAnswer:
        with self._lock:
            self.requests.append(request)
            scripted = self.script.pop(0) if self.script else None
        if scripted is not None:
            return scripted(request)
        return self.answer(request)

    def answer(self, request: ModelRequest) -> ModelAnswer:
        body = [{"id": i["id"], "sentences": self.rewriter(i["text"])} for i in items_of(request)]
        text = json.dumps(body, ensure_ascii=False)
        return ModelAnswer(text, "STOP", Usage(len(request.prompt) // 4, len(text) // 4))


class FakeScanner:
    """Finds malware in uploads that contain `marker`; `down` makes it unreachable."""

    def __init__(self, store: FakeObjectStore, marker: bytes = b"EICAR-STANDARD") -> None:
        self._store = store
        self._marker = marker
        self.down = False
        self.scanned: list[tuple[str, int]] = []

    def scan(self, bucket: str, name: str, generation: int) -> ScanVerdict:
        if self.down:
            raise ScannerUnavailable("the scanner is down")
        self.scanned.append((name, generation))
        infected = self._marker in self._store.read(name, generation)
        return ScanVerdict(infected, "Eicar-Test-Signature" if infected else None)


class FakeQuarantine:
    def __init__(self, store: FakeObjectStore) -> None:
        self._store = store
        self.objects: dict[str, bytes] = {}

    def move(self, name: str, generation: int) -> None:
        self.objects[name] = self._store.read(name, generation)
        self._store.delete(name)


class RecordingSheets:
    """A SheetsWriter that keeps what it was asked to write."""

    service_account_mode = False

    def __init__(self) -> None:
        self.calls: list[tuple[str | None, list[str], list[list[object]], SheetsOptions]] = []

    def __call__(
        self,
        google_token: str | None,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        options: SheetsOptions,
        owner_email: str | None,
    ) -> WrittenSheet:
        self.calls.append((google_token, list(header), [list(r) for r in rows], options))
        spreadsheet_id = options.spreadsheet_id or "fake"
        url = f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}"
        return WrittenSheet(url, len(rows), spreadsheet_id)


def with_gemini(deps: Deps, model: TextModel, cache: RewriteCache | None = None) -> Deps:
    """The same dependencies with the Gemini engine on `model` configured."""
    engine = GeminiEngine(GeminiSetup(model, cache or MemoryCache()))
    return dataclasses.replace(deps, engines=Engines(OfflineEngine(), engine))


@dataclasses.dataclass
class FakeWorld:
    jobs: FakeJobRepository
    store: FakeObjectStore
    tasks: FakeTaskQueue
    clock: FakeClock
    deps: Deps
    users: FakeUserSettings
    exports: FakeExportRepository
    files: FakeObjectStore
    batches: FakeBatchRepository
    webhooks: FakeWebhookRepository
    sender: FakeWebhookSender
    directory: FakeUserDirectory
    audit: FakeAuditLog
    usage: FakeUsageCounters
    teams: FakeTeamRepository
    invites: FakeInviteRepository


# Plans with room for the tests' users (free, most of them); the plans' own tests pass
# `plans=DEFAULT_PLANS` or their own.
ROOMY_PLANS = plans_with(
    {
        plan: {
            "books_per_day": None,
            "concurrent_jobs": None,
            "batch_files": 500,
            "file_mb": 50,
            "pages_per_book": 5000,
            "engines": ["offline", "gemini"],
            "webhook_endpoints": 100,
        }
        for plan in PLANS
    }
)


def fake_world(
    limits: Limits | None = None, plans: Mapping[str, PlanLimits] | None = ROOMY_PLANS
) -> FakeWorld:
    jobs, store, tasks, clock = FakeJobRepository(), FakeObjectStore(), FakeTaskQueue(), FakeClock()
    users, exports, files = FakeUserSettings(), FakeExportRepository(), FakeObjectStore()
    batches, webhooks, sender = FakeBatchRepository(), FakeWebhookRepository(), FakeWebhookSender()
    directory, audit, usage = FakeUserDirectory(), FakeAuditLog(), FakeUsageCounters()
    teams, invites = FakeTeamRepository(), FakeInviteRepository()
    deps = Deps(
        jobs=jobs,
        store=store,
        tasks=tasks,
        engines=Engines(OfflineEngine(), GeminiUnavailable()),
        users=users,
        exports=exports,
        export_files=files,
        sheets=RecordingSheets(),
        rate_limiters=dict.fromkeys(EndpointClass, MemoryRateLimiter()),
        rate_policy=DEFAULT_POLICY,
        probes={},
        scanner=FakeScanner(store),
        quarantine=FakeQuarantine(store),
        batches=batches,
        webhooks=webhooks,
        webhook_sender=sender,
        sealer=FakeSealer(),
        directory=directory,
        audit=audit,
        usage=usage,
        teams=teams,
        invites=invites,
        limits=dataclasses.replace(limits or Limits(), **({"plans": plans} if plans else {})),
        clock=clock,
    )
    return FakeWorld(
        jobs, store, tasks, clock, deps, users, exports, files, batches, webhooks, sender,
        directory, audit, usage, teams, invites,
    )  # fmt: skip
