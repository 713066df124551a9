"""What the scheduler is doing: heartbeat, jobs and next run times, the outbox and failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.notifications.models import OutboxMessage, OutboxStatus
from app.scheduling import lease
from app.scheduling.jobs import JOBS
from app.scheduling.models import SchedulerLease, apscheduler_jobs
from app.settings import Settings

NEEDS_ATTENTION = (OutboxStatus.FAILED, OutboxStatus.UNCERTAIN)


@dataclass(frozen=True)
class JobStatus:
    id: str
    description: str
    schedule: str
    next_run: datetime | None  # None: not in the job store yet (the scheduler never ran)


@dataclass(frozen=True)
class SchedulerStatus:
    lease: SchedulerLease | None
    alive: bool
    jobs: list[JobStatus]
    outbox_counts: dict[str, int]
    attention: Sequence[OutboxMessage]  # failed or uncertain: a person must look
    queued: Sequence[OutboxMessage]  # pending or sending, next first
    recent: Sequence[OutboxMessage]  # last sent


@dataclass(frozen=True)
class Heartbeat:
    last_seen: datetime | None  # the scheduler's last lease renewal
    alive: bool  # it still holds an unexpired lease

    def as_json(self) -> dict[str, Any]:
        return {
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "alive": self.alive,
        }


def heartbeat(session: Session, now: datetime) -> Heartbeat:
    """When the scheduler last renewed its lease, and whether it still holds it."""
    current = lease.current(session)
    if current is None:
        return Heartbeat(None, False)
    return Heartbeat(current.renewed_at, current.expires_at > now)


def status(
    session: Session, settings: Settings, now: datetime, *, limit: int = 50
) -> SchedulerStatus:
    """The scheduler page: the lease and whether it is alive, each job's schedule and next run,
    outbox counts by status and up to `limit` messages needing attention, queued and sent."""
    current = lease.current(session)
    next_runs = {
        row.id: datetime.fromtimestamp(row.next_run_time, UTC)
        if row.next_run_time is not None
        else None
        for row in session.execute(select(apscheduler_jobs.c.id, apscheduler_jobs.c.next_run_time))
    }
    jobs = [
        JobStatus(spec.id, spec.description, spec.schedule(settings), next_runs.get(spec.id))
        for spec in JOBS
    ]
    counts = {
        status.value: int(count)
        for status, count in session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
    }
    return SchedulerStatus(
        lease=current,
        alive=current is not None and current.expires_at > now,
        jobs=jobs,
        outbox_counts={s.value: counts.get(s.value, 0) for s in OutboxStatus},
        attention=_rows(session, OutboxMessage.status.in_(NEEDS_ATTENTION), limit, newest=True),
        queued=_rows(
            session,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
            limit,
            newest=False,
        ),
        recent=_rows(session, OutboxMessage.status == OutboxStatus.SENT, limit, newest=True),
    )


def _rows(session: Session, condition: Any, limit: int, *, newest: bool) -> Sequence[OutboxMessage]:
    order = OutboxMessage.id.desc() if newest else OutboxMessage.next_attempt_at
    return session.scalars(
        select(OutboxMessage).where(condition).order_by(order).limit(limit)
    ).all()
