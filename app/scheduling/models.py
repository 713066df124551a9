"""The scheduler's lease (who may run jobs, and its heartbeat) and APScheduler's job table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, LargeBinary, String, Table, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, UTCDateTime


class SchedulerLease(Base):
    """Held by at most one scheduler process at a time; `renewed_at` is its heartbeat.

    Taken and renewed with one conditional UPDATE (holder is me, or the lease has expired), so
    two processes cannot both believe they hold it.
    """

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


# APScheduler's SQLAlchemyJobStore table, declared here so that migrations create it (the job
# store's own create-if-missing then finds it) and autogenerate leaves it alone.
apscheduler_jobs = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
