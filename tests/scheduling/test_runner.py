"""The scheduler process against a real database, a real SMTP server and a frozen clock."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine, func, select, text

from app.core.sqlite import write_intent
from app.extensions import db
from app.invitations.services import reply_to_invitation
from app.notifications.models import OutboxMessage, SentLog
from app.people.models import Side
from app.scheduling import services
from app.scheduling.jobs import JOBS, JOBS_BY_ID
from app.scheduling.runner import ResilientJobStore, SchedulerRunner
from tests.databases import backend_name
from tests.factories import Factory

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
DEADLINE = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
SWEEPS = ("invitation-emails", "reply-reminders", "deliver-outbox")
INTERVAL_JOBS = {spec.id for spec in JOBS if spec.every is not None or spec.every_setting}


def seed(app, *, open_count=3, declined_count=2):
    """Invitations to named people: some open, some declined before anything was sent."""
    with app.app_context(), write_intent():
        session = db.session()
        make = Factory(session)
        meeting = make.meeting()
        addresses = {"open": [], "declined": []}
        for kind, count in (("open", open_count), ("declined", declined_count)):
            for index in range(count):
                organisation = make.organisation(Side.UK)
                address = f"{kind}{index}@uk.example"
                person = make.person(organisation, email=address)
                invitation = make.invitation(
                    meeting,
                    invitee_id=organisation.id,
                    invitee_person_id=person.id,
                    reply_deadline=DEADLINE,
                )
                if kind == "declined":
                    reply_to_invitation(session, None, invitation.id, "declined")
                addresses[kind].append(address)
        session.commit()
        db.session.remove()
    return addresses


def run_concurrently(workers):
    """Start every worker at the same moment; return what they raised."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def wrap(work):
        def target():
            barrier.wait()
            try:
                work()
            except BaseException as error:  # collected for the assertion
                errors.append(error)

        return target

    threads = [threading.Thread(target=wrap(work)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def sweep_without_lease(app, holder, rounds):
    """The worst case: a second scheduler that ignores the lease and runs every sweep."""

    def work():
        settings = app.extensions["entente.settings"]
        for _ in range(rounds):
            for job_id in SWEEPS:
                with app.app_context(), write_intent():
                    try:
                        JOBS_BY_ID[job_id].task(db.session(), settings, datetime.now(UTC), holder)
                        db.session.commit()
                    finally:
                        db.session.rollback()
                        db.session.remove()

    return work


def runner_rounds(runner, rounds):
    def work():
        for _ in range(rounds):
            for job_id in SWEEPS:
                runner.run_job(job_id)

    return work


def received_by(server):
    return Counter(address for item in server.received for address in item.rcpt_tos)


def test_two_scheduler_instances_send_each_message_exactly_once(live_app, smtp):
    """Two runners (the lease decides) and two lease-ignoring sweepers race through the
    invitation, the 7-day and the 2-day points: everyone open gets three e-mails, once each;
    those who declined get none."""
    server, _ = smtp
    with time_machine.travel(T0, tick=False) as traveller:
        addresses = seed(live_app)
        first, second = SchedulerRunner(live_app, "first"), SchedulerRunner(live_app, "second")
        for moment in (
            T0,
            DEADLINE - timedelta(days=7),
            DEADLINE - timedelta(days=2),
            DEADLINE - timedelta(hours=1),
        ):
            traveller.move_to(moment)
            errors = run_concurrently(
                [
                    runner_rounds(first, 3),
                    runner_rounds(second, 3),
                    sweep_without_lease(live_app, "rogue-1", 3),
                    sweep_without_lease(live_app, "rogue-2", 3),
                ]
            )
            assert errors == []
    counts = received_by(server)
    assert {address: counts[address] for address in addresses["open"]} == dict.fromkeys(
        addresses["open"], 3
    )
    assert not any(counts[address] for address in addresses["declined"])
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SentLog)) == 9
        db.session.remove()


def test_only_the_lease_holder_runs_jobs(live_app, smtp):
    server, _ = smtp
    with time_machine.travel(T0, tick=False) as traveller:
        seed(live_app, open_count=1, declined_count=0)
        first, second = SchedulerRunner(live_app, "first"), SchedulerRunner(live_app, "second")
        assert first.run_job("invitation-emails") == 1  # takes the lease
        assert second.run_job("invitation-emails") is None
        traveller.shift(timedelta(seconds=61))  # first stops renewing; its lease expires
        assert second.run_job("deliver-outbox") == 1
        assert first.run_job("deliver-outbox") is None
    assert len(server.received) == 1


class CountingRunner(SchedulerRunner):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.runs: Counter[str] = Counter()

    def run_job(self, job_id):
        result = super().run_job(job_id)
        self.runs[job_id] += 1
        return result


def wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_an_hour_of_downtime_runs_each_job_once_on_restart(live_app, smtp):
    """APScheduler with its job store in the database: stopped for an hour, then restarted
    by another process, each overdue job runs once (coalesced), and the reminder that fell
    due during the downtime is queued once."""
    server, _ = smtp
    start = DEADLINE - timedelta(days=7, minutes=30)
    with time_machine.travel(start, tick=False) as traveller:
        seed(live_app, open_count=1, declined_count=0)
        first = CountingRunner(live_app, "first")
        assert first.step() is True
        assert wait_for(lambda: first.runs["invitation-emails"] == 1)
        first.shutdown()
        with live_app.app_context():
            before = {
                job.id: job.next_run
                for job in services.status(
                    db.session(), live_app.extensions["entente.settings"], start
                ).jobs
            }
            db.session.remove()
        assert all(when is not None and when > start for when in before.values())

        traveller.move_to(start + timedelta(hours=1))  # the reminder fell due meanwhile
        second = CountingRunner(live_app, "second")
        assert second.step() is True
        try:
            assert wait_for(lambda: set(second.runs) >= INTERVAL_JOBS)
            time.sleep(0.5)  # anything that would run twice has had time to
            assert second.runs == Counter(dict.fromkeys(INTERVAL_JOBS, 1))
            with live_app.app_context():
                report = services.status(
                    db.session(), live_app.extensions["entente.settings"], start
                )
                reminders = db.session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.key.like("reminder:%"))
                )
                db.session.remove()
            assert reminders == 1
            after = {job.id: job.next_run for job in report.jobs}
            for job_id in INTERVAL_JOBS:
                assert after[job_id] > start + timedelta(hours=1)
        finally:
            second.shutdown()
    assert server.received  # the invitation went out before the downtime


@pytest.mark.parametrize(
    ("now", "expected_utc"),
    [
        (datetime(2027, 3, 26, 9, 0, tzinfo=UTC), datetime(2027, 3, 27, 8, 0, tzinfo=UTC)),
        (datetime(2027, 3, 27, 9, 0, tzinfo=UTC), datetime(2027, 3, 28, 7, 0, tzinfo=UTC)),
    ],
)
def test_daily_jobs_keep_local_time_across_the_clock_change(live_app, now, expected_utc):
    """08:00 in London is 08:00 UTC before 28 March 2027 and 07:00 UTC after."""
    with time_machine.travel(now, tick=False):
        runner = SchedulerRunner(live_app, "dst")
        assert runner.step() is True
        try:
            with live_app.app_context():
                report = services.status(db.session(), live_app.extensions["entente.settings"], now)
                db.session.remove()
        finally:
            runner.shutdown()
    daily = {job.id: job.next_run for job in report.jobs if job.schedule.startswith("cron")}
    assert daily == {
        "cadence-alerts": expected_utc,
        "agenda-deadlines": expected_utc + timedelta(minutes=30),
        "paper-deadlines": expected_utc + timedelta(minutes=45),
    }


@pytest.mark.skipif(backend_name() != "sqlite", reason="moves the SQLite file away")
def test_a_database_outage_pauses_the_scheduler_and_it_recovers(live_app, smtp):
    """The database file disappears (every query fails): steps and jobs log and carry on,
    the scheduler stands by once its lease can no longer be confirmed, and it starts again
    when the database is back."""
    server, _ = smtp
    with live_app.app_context():
        path = Path(db.engine.url.database)
    files = [path.parent / (path.name + suffix) for suffix in ("", "-wal", "-shm")]
    with time_machine.travel(T0, tick=False) as traveller:
        seed(live_app, open_count=1, declined_count=0)
        runner = CountingRunner(live_app, "survivor")
        try:
            assert runner.step() is True
            assert wait_for(lambda: set(runner.runs) >= INTERVAL_JOBS)  # first runs done
            _dispose(live_app)
            for file in files:  # the database goes away
                if file.exists():
                    file.rename(file.with_name(file.name + ".away"))
            try:
                assert runner.run_job("invitation-emails") is None  # logged, not raised
                assert runner.step() is True  # the confirmed lease still has time
                traveller.shift(timedelta(seconds=61))
                assert runner.step() is False  # cannot confirm it any more: stand by
                assert runner.scheduler is None
            finally:
                _dispose(live_app)
                for file in files:  # the empty stand-in SQLite made meanwhile
                    file.unlink(missing_ok=True)
                for file in files:
                    away = file.with_name(file.name + ".away")
                    if away.exists():
                        away.rename(file)
            assert runner.step() is True
            assert runner.scheduler is not None
            assert runner.run_job("invitation-emails") is not None  # ran, did not fail
            assert runner.run_job("deliver-outbox") is not None
        finally:
            runner.shutdown()
    assert len(server.received) == 1  # the invitation, sent once, before the outage


def _dispose(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_job_store_survives_database_errors_apscheduler_would_not_catch(tmp_path):
    """update_job and get_next_run_time raising would end APScheduler's thread for good."""
    store = ResilientJobStore(url=f"sqlite:///{tmp_path / 'gone.sqlite3'}")  # no table in it
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.start(paused=True)
    try:
        job = scheduler.add_job(print, "interval", seconds=30, id="probe")
        store.update_job(job)  # logged, not raised
    finally:
        scheduler.shutdown()
    soon = store.get_next_run_time()
    assert soon is not None
    assert timedelta(0) < soon - datetime.now(UTC) <= ResilientJobStore.RETRY
    store.engine.dispose()


@pytest.mark.skipif(backend_name() != "postgresql", reason="PostgreSQL only")
def test_the_scheduler_heals_after_its_postgresql_connections_are_killed(live_app, smtp):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        seed(live_app, open_count=1, declined_count=0)
        runner = SchedulerRunner(live_app, "survivor")
        assert runner.run_job("invitation-emails") == 1
        with live_app.app_context():
            url = db.engine.url
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            killed = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": url.database},
            ).scalar_one()
        admin.dispose()
        assert killed >= 1
        assert runner.step() is True
        try:
            assert runner.run_job("deliver-outbox") == 1
        finally:
            runner.shutdown()
    assert len(server.received) == 1
