"""`flask scheduler run | status | run-job | retry`."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.core import clock
from app.core.errors import EntenteError
from app.core.sqlite import write_intent
from app.extensions import db, db_session
from app.notifications import outbox
from app.scheduling import services
from app.scheduling.jobs import JOBS, JOBS_BY_ID
from app.scheduling.runner import SchedulerRunner
from app.settings import current_settings

scheduler_cli = AppGroup("scheduler", help="The scheduler process: reminders and e-mail.")


@scheduler_cli.command("run")
@click.option(
    "--renew-seconds",
    type=click.IntRange(1, 300),
    help="Renew the lease this often [default: setting scheduler_renew_seconds]",
)
@click.option(
    "--lease-seconds",
    type=click.IntRange(2, 3600),
    help="A standby takes over after this long [default: setting scheduler_lease_seconds]",
)
def run_command(renew_seconds: int | None, lease_seconds: int | None) -> None:
    """Run the scheduler until SIGINT or SIGTERM (one process; a second one stands by)."""
    settings = current_settings()
    renew = renew_seconds or settings.scheduler_renew_seconds
    lease_time = lease_seconds or settings.scheduler_lease_seconds
    if lease_time < 2 * renew:
        raise click.BadParameter(
            _("must be at least twice the renew interval (%(renew)s s)", renew=renew),
            param_hint="'--lease-seconds'",
        )
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    runner = SchedulerRunner(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        lease_seconds=lease_time,
        renew_seconds=renew,
    )
    click.echo(
        _(
            "Scheduler %(holder)s: %(len)s jobs, lease %(lease_time)s s renewed every %(renew)s "
            "s; Ctrl-C to stop",
            holder=runner.holder,
            len=len(JOBS),
            lease_time=lease_time,
            renew=renew,
        )
    )
    runner.run_forever(stop)


@scheduler_cli.command("status")
def status_command() -> None:
    """Jobs and their next run, the lease holder, the outbox and what failed."""
    settings = current_settings()
    now = clock.now()
    report = services.status(db_session(), settings, now)
    if report.lease is None:
        click.echo(_("Scheduler: never started"))
    else:
        state = _("alive") if report.alive else _("NOT RUNNING")
        click.echo(
            _(
                "Scheduler: %(state)s; lease held by %(holder)s, last seen %(renewed_at)s UTC",
                state=state,
                holder=report.lease.holder,
                renewed_at=format(report.lease.renewed_at, "%Y-%m-%d %H:%M:%S"),
            )
        )
    click.echo("\n" + _("Jobs:"))
    for job in report.jobs:
        when = f"{job.next_run:%Y-%m-%d %H:%M:%S} UTC" if job.next_run else _("not scheduled yet")
        click.echo(
            "  "
            + _(
                "%(id)s next %(when)s %(schedule)s",
                id=format(job.id, "20"),
                when=format(when, "24"),
                schedule=job.schedule,
            )
        )
    counts = ", ".join(f"{name} {count}" for name, count in report.outbox_counts.items())
    click.echo("\n" + _("Outbox: %(counts)s", counts=counts))
    for row in report.queued:
        click.echo(
            "  "
            + _(
                "#%(id)s %(value)s to %(recipient)s at %(next_attempt_at)s (attempt "
                "%(attempts)s): %(subject)s",
                id=row.id,
                value=format(row.status.value, "8"),
                recipient=row.recipient,
                next_attempt_at=format(row.next_attempt_at, "%Y-%m-%d %H:%M"),
                attempts=row.attempts,
                subject=row.subject,
            )
        )
    click.echo(
        "\n" + (_("Needs attention:") if report.attention else _("Needs attention: nothing"))
    )
    for row in report.attention:
        click.echo(
            "  "
            + _(
                "#%(id)s %(value)s to %(recipient)s: %(last_error)s",
                id=row.id,
                value=row.status.value,
                recipient=row.recipient,
                last_error=row.last_error,
            )
        )


@scheduler_cli.command("run-job")
@click.argument("job_id", type=click.Choice(sorted(JOBS_BY_ID)))
def run_job_command(job_id: str) -> None:
    """Run one job now, in this process (safe beside a running scheduler: keys guard sends)."""
    settings = current_settings()
    with write_intent():
        count = JOBS_BY_ID[job_id].task(db_session(), settings, clock.now(), "cli")
        db.session.commit()
    click.echo(f"{job_id}: {count}")


@scheduler_cli.command("retry")
@click.argument("outbox_id", type=int)
def retry_command(outbox_id: int) -> None:
    """Queue a failed or uncertain e-mail again (a person's decision: it may have gone out)."""
    try:
        row = outbox.requeue(db_session(), None, outbox_id, clock.now())
        db.session.commit()
    except EntenteError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    click.echo(_("Queued #%(id)s to %(recipient)s again", id=row.id, recipient=row.recipient))
