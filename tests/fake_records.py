"""In-memory fakes of the batch and webhook ports, with the semantics the adapters promise;
and stored records made whole for tests that need many of them."""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar

from shared.domain.batches import Batch
from shared.domain.errors import WebhookTargetRefused
from shared.domain.ids import JobId
from shared.domain.jobs import Job, JobSettings, JobStatus
from shared.domain.teams import Invite, Team
from shared.domain.webhooks import DeliveryAttempt, Endpoint
from shared.service.ports import BatchCursor, PlanChange, UsageRow, WebhookAnswer, WebhookCall

R = TypeVar("R", Batch, Endpoint, Team)


class _Versioned(Generic[R]):
    """Records by id, each stored copy with a new revision; compare-and-set on it."""

    def __init__(self) -> None:
        self.records: dict[str, R] = {}
        self._revisions = itertools.count(1)
        self.lock = threading.RLock()

    def add(self, record: R) -> None:
        with self.lock:
            if record.id in self.records:
                raise ValueError(f"{record.id} exists")
            self._store(record)

    def get(self, record_id: str) -> R | None:
        return self.records.get(record_id)

    def compare_and_set(self, current: R, new: R) -> bool:
        with self.lock:
            stored = self.records.get(current.id)
            if stored is None or stored.version != current.version:
                return False
            self._store(new)
            return True

    def _store(self, record: R) -> None:
        self.records[record.id] = dataclasses.replace(record, version=next(self._revisions))  # type: ignore[type-var]


class FakeTeamRepository(_Versioned[Team]):
    def list_for_member(self, uid: str) -> list[Team]:
        mine = [team for team in self.records.values() if uid in team.members]
        return sorted(mine, key=lambda team: (team.created_at, team.id))

    def delete(self, team_id: str) -> None:
        self.records.pop(team_id, None)


class FakeInviteRepository:
    def __init__(self) -> None:
        self.records: dict[str, Invite] = {}
        self._revisions = itertools.count(1)
        self.lock = threading.Lock()

    def add(self, invite: Invite) -> None:
        with self.lock:
            if invite.token_hash in self.records:
                raise ValueError("invite exists")
            self.records[invite.token_hash] = dataclasses.replace(
                invite, version=next(self._revisions)
            )

    def get(self, token_hash: str) -> Invite | None:
        return self.records.get(token_hash)

    def compare_and_set(self, current: Invite, new: Invite) -> bool:
        with self.lock:
            stored = self.records.get(current.token_hash)
            if stored is None or stored.version != current.version:
                return False
            self.records[new.token_hash] = dataclasses.replace(new, version=next(self._revisions))
            return True

    def list_for_team(self, team_id: str) -> list[Invite]:
        mine = [i for i in self.records.values() if i.team_id == team_id]
        return sorted(mine, key=lambda i: i.created_at, reverse=True)


class FakeBatchRepository(_Versioned[Batch]):
    def __init__(self) -> None:
        super().__init__()
        self.ended: dict[str, set[str]] = {}

    def record_ended(self, batch_id: str, job_id: str, failed: bool) -> bool:
        with self.lock:
            batch = self.records.get(batch_id)
            marks = self.ended.setdefault(batch_id, set())
            if batch is None or job_id in marks:
                return False
            marks.add(job_id)
            self._store(
                dataclasses.replace(
                    batch,
                    ended_count=batch.ended_count + 1,
                    failed_count=batch.failed_count + int(failed),
                )
            )
            return True

    def list_for_owner(self, owner_uid: str, limit: int, after: BatchCursor | None) -> list[Batch]:
        return self._listed(lambda b: b.owner_uid == owner_uid, limit, after)

    def list_for_team(self, team_id: str, limit: int, after: BatchCursor | None) -> list[Batch]:
        return self._listed(lambda b: b.team_id == team_id, limit, after)

    def _listed(
        self, wanted: Callable[[Batch], bool], limit: int, after: BatchCursor | None
    ) -> list[Batch]:
        mine = sorted(
            (b for b in self.records.values() if wanted(b)),
            key=lambda b: (b.created_at, b.id),
            reverse=True,
        )
        if after is not None:
            mine = [b for b in mine if (b.created_at, b.id) < (after.created_at, after.batch_id)]
        return mine[:limit]

    def delete(self, batch_id: str) -> None:
        with self.lock:
            self.records.pop(batch_id, None)
            self.ended.pop(batch_id, None)


class FakeWebhookRepository(_Versioned[Endpoint]):
    def __init__(self) -> None:
        super().__init__()
        self.log: dict[tuple[str, str, int], DeliveryAttempt] = {}

    def list_for_owner(self, owner_uid: str) -> list[Endpoint]:
        mine = [e for e in self.records.values() if e.owner_uid == owner_uid]
        return sorted(mine, key=lambda e: (e.created_at, e.id))

    def delete(self, endpoint_id: str) -> None:
        with self.lock:
            self.records.pop(endpoint_id, None)
            for key in [k for k in self.log if k[0] == endpoint_id]:
                del self.log[key]

    def record_attempt(self, attempt: DeliveryAttempt) -> None:
        self.log[(attempt.endpoint_id, attempt.message_id, attempt.attempt)] = attempt

    def attempt_recorded(self, endpoint_id: str, message_id: str, attempt: int) -> bool:
        return (endpoint_id, message_id, attempt) in self.log

    def attempts(
        self, endpoint_id: str, limit: int, before: datetime | None
    ) -> list[DeliveryAttempt]:
        mine = [a for a in self.log.values() if a.endpoint_id == endpoint_id]
        if before is not None:
            mine = [a for a in mine if a.at < before]
        return sorted(mine, key=lambda a: (a.at, a.message_id, a.attempt), reverse=True)[:limit]


Responder = Callable[[WebhookCall], WebhookAnswer]


class FakeWebhookSender:
    """Keeps each call; answers with `respond` (200 by default). URLs whose host is in
    `refused_hosts` are refused, at registration and at delivery."""

    def __init__(self) -> None:
        self.calls: list[WebhookCall] = []
        self.respond: Responder = lambda call: WebhookAnswer(200, 5.0, "ok")
        self.refused_hosts: set[str] = {"10.0.0.1", "169.254.169.254", "localhost"}

    def check(self, url: str) -> None:
        host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        if not url.startswith("https://") or host in self.refused_hosts:
            raise WebhookTargetRefused(f"Deliveries to {host} are not allowed.")

    def send(self, call: WebhookCall) -> WebhookAnswer:
        self.check(call.url)
        self.calls.append(call)
        return self.respond(call)


def answers(*statuses: int | None) -> Responder:
    """A responder giving these statuses in turn (None: no answer), then 200s."""
    queue: list[Any] = list(statuses)

    def respond(call: WebhookCall) -> WebhookAnswer:
        status = queue.pop(0) if queue else 200
        if status is None:
            return WebhookAnswer(None, 3000.0, error="The connection timed out.")
        return WebhookAnswer(status, 12.0, excerpt=f"status {status}")

    return respond


class FakeSealer:
    """Seals by prefixing the context (not encryption): opening checks the context, as the
    real sealer's associated data does."""

    def seal(self, secret: str, context: str) -> bytes:
        return f"{context}|{secret}".encode()

    def open(self, sealed: bytes, context: str) -> str:
        bound, _, secret = sealed.decode().partition("|")
        if bound != context:
            raise ValueError("sealed for another endpoint")
        return secret


class FakeUserDirectory:
    """Accounts and their plan claims; a uid not in `plans` is no user."""

    def __init__(self) -> None:
        self.plans: dict[str, str | None] = {}

    def plan_of(self, uid: str) -> str | None:
        if uid not in self.plans:
            from shared.domain.errors import UserNotFound

            raise UserNotFound("No such user.")
        return self.plans[uid]

    def set_plan(self, uid: str, plan: str) -> None:
        self.plan_of(uid)
        self.plans[uid] = plan


class FakeAuditLog:
    def __init__(self) -> None:
        self.changes: list[PlanChange] = []

    def record_plan_change(self, change: PlanChange) -> None:
        self.changes.append(change)

    def plan_changes(self, subject_uid: str, limit: int) -> list[PlanChange]:
        mine = [c for c in self.changes if c.subject_uid == subject_uid]
        return sorted(mine, key=lambda c: c.at, reverse=True)[:limit]


class FakeUsageCounters:
    """Counters by (day, dimension, key), with the marks of additions made once."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, str], dict[str, int]] = {}
        self.marks: set[str] = set()
        self.lock = threading.Lock()

    def add(
        self,
        day: str,
        groups: Mapping[str, str],
        counts: Mapping[str, int],
        once: str | None = None,
    ) -> bool:
        with self.lock:
            if once is not None:
                if once in self.marks:
                    return False
                self.marks.add(once)
            for dimension, key in {**groups, "all": "all"}.items():
                mine = self.counts.setdefault((day, dimension, key), {})
                for name, value in counts.items():
                    if value:
                        mine[name] = mine.get(name, 0) + value
            return True

    def add_groups(self, day: str, counts: Mapping[tuple[str, str], Mapping[str, int]]) -> None:
        with self.lock:
            for (dimension, key), values in counts.items():
                mine = self.counts.setdefault((day, dimension, key), {})
                for name, value in values.items():
                    if value:
                        mine[name] = mine.get(name, 0) + value

    def rows(self, first_day: str, last_day: str, dimension: str) -> list[UsageRow]:
        return [
            UsageRow(day, key, dict(counts))
            for (day, dim, key), counts in sorted(self.counts.items())
            if dim == dimension and first_day <= day <= last_day
        ]


def numbered_job(number: int, at: datetime, **changes: Any) -> Job:
    """A completed job record, its id made of `number`, everything dated `at`."""
    job_id = JobId(f"{number:032x}")
    job = Job(
        id=job_id,
        owner_uid="reader-1",
        status=JobStatus.COMPLETED,
        filename="roman.pdf",
        size_bytes=1000,
        settings=JobSettings(8),
        object_name=f"uploads/{job_id}.pdf",
        created_at=at,
        updated_at=at,
        upload_expires_at=at,
        completed_at=at,
    )
    return dataclasses.replace(job, **changes)
