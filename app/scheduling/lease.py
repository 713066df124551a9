"""A database lease: at most one scheduler process runs jobs; its renewals are the heartbeat."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session

from app.core.upsert import insert_ignoring_duplicates
from app.scheduling.models import SchedulerLease

LEASE_NAME = "scheduler"
DEFAULT_TTL = timedelta(seconds=60)


def acquire(session: Session, holder: str, now: datetime, ttl: timedelta = DEFAULT_TTL) -> bool:
    """Take or renew the lease; True when `holder` holds it until now + ttl.

    One conditional UPDATE (the holder is me, or the lease has expired) decides atomically,
    so two processes can never both succeed; the INSERT covers the very first start.
    """
    result = session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == LEASE_NAME,
            or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now),
        )
        .values(
            acquired_at=case(
                (SchedulerLease.holder == holder, SchedulerLease.acquired_at), else_=now
            ),
            holder=holder,
            renewed_at=now,
            expires_at=now + ttl,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return True
    return insert_ignoring_duplicates(
        session,
        SchedulerLease,
        {
            "name": LEASE_NAME,
            "holder": holder,
            "acquired_at": now,
            "renewed_at": now,
            "expires_at": now + ttl,
        },
    )


def release(session: Session, holder: str, now: datetime) -> None:
    """Let a standby take over at once instead of waiting for the lease to expire."""
    session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == holder)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def current(session: Session) -> SchedulerLease | None:
    return session.scalar(select(SchedulerLease).where(SchedulerLease.name == LEASE_NAME))
