"""The scheduler process: `flask scheduler run`, never create_app or a web worker.

Every process that runs it competes for the database lease. The holder runs APScheduler (job
store: the apscheduler_jobs table) and renews the lease every `scheduler_renew_seconds`; the
others wait as standbys and take over when it expires (`scheduler_lease_seconds` after the last
renewal), then send what is queued at once. Each job also re-checks the lease before it
starts (a fence), and everything it sends is guarded by unique keys, so even two leaders
would not send anything twice. Database errors are logged and retried on the next step: an
outage pauses the scheduler, it never ends it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from app.core import clock
from app.core.sqlite import write_intent
from app.extensions import db, db_session
from app.scheduling import lease
from app.scheduling.jobs import JOBS, JOBS_BY_ID
from app.settings import Settings, current_settings

log = logging.getLogger(__name__)

JOBSTORE_TABLE = "apscheduler_jobs"
_active: list[SchedulerRunner] = []  # the runner whose APScheduler runs in this process


class ResilientJobStore(SQLAlchemyJobStore):
    """APScheduler 3 catches database errors from get_due_jobs but lets those from
    update_job and get_next_run_time escape its main loop, which ends the scheduler thread for
    good. Here they are logged instead: the job keeps its old next run time and runs again
    once the database is back (jobs are idempotent sweeps), and the loop wakes up soon."""

    RETRY = timedelta(seconds=10)

    def update_job(self, job: Any) -> None:
        try:
            super().update_job(job)
        except SQLAlchemyError as error:
            log.warning("job store unavailable, %s not rescheduled: %s", job.id, error)

    def get_next_run_time(self) -> datetime | None:
        try:
            return super().get_next_run_time()
        except SQLAlchemyError as error:
            log.warning("job store unavailable: %s", error)
            return datetime.now(UTC) + self.RETRY


def run_scheduled_job(job_id: str) -> None:
    """What APScheduler calls (stored by reference in the job store)."""
    if not _active:
        log.warning("job %s fired with no active scheduler runner", job_id)
        return
    _active[-1].run_job(job_id)


class SchedulerRunner:
    def __init__(
        self,
        app: Flask,
        holder: str | None = None,
        *,
        lease_seconds: int | None = None,
        renew_seconds: int | None = None,
        threads: int = 2,
    ) -> None:
        self.app = app
        self.settings: Settings = current_settings(app)
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.ttl = timedelta(seconds=lease_seconds or self.settings.scheduler_lease_seconds)
        self.renew_seconds = renew_seconds or self.settings.scheduler_renew_seconds
        self.threads = threads
        self.scheduler: BackgroundScheduler | None = None
        self._lease_until: datetime | None = None

    # --- the process loop ---------------------------------------------------------------------

    def run_forever(self, stop: threading.Event) -> None:
        log.info("scheduler %s starting", self.holder)
        try:
            while not stop.is_set():
                self.step()
                stop.wait(self.renew_seconds)
        finally:
            self.shutdown()

    def step(self) -> bool:
        """Take or renew the lease, then start or stop APScheduler to match; never raises."""
        held = self._renew()
        try:
            if held and self.scheduler is not None and not self._thread_alive():
                log.error("APScheduler's thread died; restarting it")
                self._stop()
            if held and self.scheduler is None:
                self._start()
            elif not held and self.scheduler is not None:
                log.warning("scheduler %s lost the lease; standing by", self.holder)
                self._stop()
        except Exception:  # e.g. the job store is unreachable: try again next step
            log.exception("scheduler %s could not start or stop APScheduler", self.holder)
            self._stop()
        return held

    def shutdown(self) -> None:
        self._stop()
        with self.app.app_context(), write_intent():
            try:
                lease.release(db_session(), self.holder, clock.now())
                db.session.commit()
            except SQLAlchemyError:
                db.session.rollback()
            finally:
                db.session.remove()
        log.info("scheduler %s stopped", self.holder)

    # --- jobs ---------------------------------------------------------------------------------

    def run_job(self, job_id: str) -> int | None:
        """Run one job if this process still holds the lease; commit once; never raises."""
        spec = JOBS_BY_ID.get(job_id)
        if spec is None:
            log.error("unknown job %s", job_id)
            return None
        with self.app.app_context(), write_intent():
            session = db_session()
            try:
                now = clock.now()
                if not lease.acquire(session, self.holder, now, self.ttl):
                    session.rollback()
                    log.info("job %s skipped: %s does not hold the lease", job_id, self.holder)
                    return None
                session.commit()
                count = spec.task(session, self.settings, now, self.holder)
                session.commit()
                log.info("job %s done: %s", job_id, count)
                return count
            except Exception:
                session.rollback()
                log.exception("job %s failed; it runs again at its next time", job_id)
                return None
            finally:
                db.session.remove()

    # --- internals ----------------------------------------------------------------------------

    def _renew(self) -> bool:
        with self.app.app_context(), write_intent():
            now = clock.now()
            try:
                held = lease.acquire(db_session(), self.holder, now, self.ttl)
                db.session.commit()
            except SQLAlchemyError as error:
                db.session.rollback()
                log.warning("scheduler %s cannot reach the database: %s", self.holder, error)
                # Unknown: carry on only while the last confirmed lease lasts.
                return self._lease_until is not None and now < self._lease_until
            finally:
                db.session.remove()
        self._lease_until = now + self.ttl if held else None
        return held

    def _start(self) -> None:
        with self.app.app_context():
            engine = db.engine
        scheduler = BackgroundScheduler(
            jobstores={"default": ResilientJobStore(engine=engine, tablename=JOBSTORE_TABLE)},
            executors={"default": ThreadPoolExecutor(self.threads)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone="UTC",
        )
        scheduler.start(paused=True)
        try:
            sync_jobs(scheduler, self.settings)
        except Exception:
            scheduler.shutdown(wait=False)
            raise
        self.scheduler = scheduler
        _active.append(self)
        now = datetime.now(UTC)
        for spec in JOBS:
            if spec.on_takeover:  # what waited for the takeover goes now, not at the next tick
                scheduler.modify_job(spec.id, next_run_time=now)
        scheduler.resume()
        log.info("scheduler %s holds the lease and runs %d jobs", self.holder, len(JOBS))

    def _thread_alive(self) -> bool:
        """A backstop for errors APScheduler does not catch (its loop thread is private)."""
        thread = getattr(self.scheduler, "_thread", None)
        return thread is None or thread.is_alive()

    def _stop(self) -> None:
        scheduler, self.scheduler = self.scheduler, None
        if scheduler is not None:
            try:
                scheduler.shutdown(wait=True)  # running jobs finish first
            except Exception:
                log.exception("APScheduler did not shut down cleanly")
        if self in _active:
            _active.remove(self)


def sync_jobs(scheduler: BackgroundScheduler, settings: Settings) -> None:
    """Make the job store match JOBS, keeping the stored next run time of unchanged jobs, so
    that a restart after downtime runs each overdue job once (coalesced) rather than never."""
    wanted = {spec.id for spec in JOBS}
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            scheduler.remove_job(job.id)
    for spec in JOBS:
        trigger = spec.trigger(settings)
        grace = int(spec.misfire_grace.total_seconds())
        existing = scheduler.get_job(spec.id)
        if (
            existing is not None
            and _same_trigger(existing.trigger, trigger)
            and existing.misfire_grace_time == grace
        ):
            continue
        scheduler.add_job(
            run_scheduled_job,
            trigger=trigger,
            args=[spec.id],
            id=spec.id,
            name=spec.description,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=grace,
        )


def _same_trigger(left: object, right: object) -> bool:
    return type(left) is type(right) and (str(left), str(getattr(left, "timezone", ""))) == (
        str(right),
        str(getattr(right, "timezone", "")),
    )
