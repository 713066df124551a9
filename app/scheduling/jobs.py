"""The scheduled jobs: each an idempotent sweep in its domain's tasks.py.

Every job is coalesced (a scheduler that was down runs it once on restart, not once per missed
run) and has a misfire grace time (how late a run may still start; later, it waits for its
next regular time). Sweeps lose nothing when a run is skipped: the next one finds the same
"due and not yet done" rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session

from app.agendas.paper_tasks import check_paper_deadlines
from app.agendas.tasks import check_agenda_deadlines
from app.consultations.tasks import check_cadence
from app.inbound.tasks import fetch_inbound_mail
from app.invitations.received_tasks import answer_organisers, tell_secretariat
from app.invitations.tasks import send_invitations, send_reply_reminders
from app.meetings.tasks import notify_meeting_changes
from app.notifications.tasks import deliver_outbox
from app.packs.renditions import make_renditions
from app.settings import Settings

# Interval jobs count from a fixed origin so that their trigger (and so the stored next run
# time) is the same in every process and after every restart.
ORIGIN = datetime(2026, 1, 1, tzinfo=UTC)


class Task(Protocol):
    def __call__(self, session: Session, settings: Settings, now: datetime, holder: str) -> int:
        """Do what is due at `now`; return how many messages were queued or sent."""
        ...


@dataclass(frozen=True)
class JobSpec:
    id: str
    task: Task
    description: str
    every: timedelta | None = None
    # CronTrigger fields, read in settings.display_timezone (the secretariat's working day).
    cron: dict[str, str] = field(default_factory=dict)
    misfire_grace: timedelta = timedelta(hours=2)
    # Run as soon as a scheduler takes the lease (start-up or a standby taking over).
    on_takeover: bool = False
    # An interval read from the settings (instead of `every`).
    every_setting: Callable[[Settings], timedelta] | None = None

    def interval(self, settings: Settings) -> timedelta | None:
        return self.every_setting(settings) if self.every_setting is not None else self.every

    def trigger(self, settings: Settings) -> BaseTrigger:
        every = self.interval(settings)
        if every is not None:
            return IntervalTrigger(
                seconds=int(every.total_seconds()), start_date=ORIGIN, timezone=UTC
            )
        return CronTrigger(timezone=settings.display_timezone, **self.cron)

    def schedule(self, settings: Settings) -> str:
        every = self.interval(settings)
        if every is not None:
            return f"every {_duration(every)}"
        fields = " ".join(f"{name}={value}" for name, value in self.cron.items())
        return f"cron {fields} ({settings.display_timezone})"


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        "deliver-outbox",
        deliver_outbox,
        "Send queued e-mails; retry SMTP 4xx and connection errors with back-off",
        every=timedelta(seconds=30),
        on_takeover=True,
    ),
    JobSpec(
        "invitation-emails",
        send_invitations,
        "E-mail new invitations to the invited person, with a calendar REQUEST",
        every=timedelta(minutes=1),
    ),
    JobSpec(
        "reply-reminders",
        send_reply_reminders,
        "Remind invitees who have not answered, reminder_lead_days before the deadline",
        every=timedelta(minutes=10),
    ),
    JobSpec(
        "meeting-changes",
        notify_meeting_changes,
        "Tell participants and invitees a meeting moved, changed or was cancelled (iTIP)",
        every=timedelta(minutes=1),
    ),
    JobSpec(
        "organiser-replies",
        answer_organisers,
        "Answer the organiser of an invitation from Brussels with an iTIP REPLY",
        every=timedelta(minutes=1),
    ),
    JobSpec(
        "received-invitation-notices",
        tell_secretariat,
        "Tell the secretariat an invitation from Brussels came in, changed or was cancelled",
        every=timedelta(minutes=1),
    ),
    JobSpec(
        "paper-renditions",
        make_renditions,
        "Convert newly uploaded Word, OpenDocument and Office papers to PDF for the packs",
        every=timedelta(minutes=1),
        misfire_grace=timedelta(minutes=10),
    ),
    JobSpec(
        "agenda-deadlines",
        check_agenda_deadlines,
        "Tell the secretariat when a provisional agenda is past its due date",
        cron={"hour": "8", "minute": "30"},
        misfire_grace=timedelta(hours=12),
    ),
    JobSpec(
        "paper-deadlines",
        check_paper_deadlines,
        "Remind paper owners before the due date; tell the secretariat when a paper is late",
        cron={"hour": "8", "minute": "45"},
        misfire_grace=timedelta(hours=12),
    ),
    JobSpec(
        "cadence-alerts",
        check_cadence,
        "Tell the secretariat when a half-year has no consultation scheduled",
        cron={"hour": "8", "minute": "0"},
        misfire_grace=timedelta(hours=12),
    ),
    JobSpec(
        "inbound-mail",
        fetch_inbound_mail,
        "Read replies and Brussels' invitations from the inbound mailbox (IMAP)",
        every_setting=lambda settings: timedelta(minutes=settings.inbound_imap_poll_minutes),
        misfire_grace=timedelta(minutes=10),
    ),
)
JOBS_BY_ID = {spec.id: spec for spec in JOBS}


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
