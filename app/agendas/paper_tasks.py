"""Scheduled sweep for papers: remind owners before the due date, tell the secretariat when a
paper is late.

Idempotent like every sweep: each message has a key (paper, due date, lead time) that the
outbox takes once. A due date that moves (the meeting moved, an editor changed it) makes new
keys, so the reminders follow the new date, and a reminder for the old date that was not yet
due is never sent. When several lead times are due at once (the scheduler was down), only
the nearest is sent; the others are recorded as skipped.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from app.agendas.paper_deadlines import PaperDeadline, PaperStatus, paper_deadlines
from app.core.languages import format_moment
from app.core.timezones import utc_to_local
from app.notifications import outbox
from app.notifications.compose import meeting_draft, recipient_of, secretariat_draft
from app.notifications.models import NotificationKind, OutboxStatus
from app.settings import Settings

DAY_FORMAT = "%a %d %b %Y"


def check_paper_deadlines(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """Queue the reminders and late alerts due at `now`; the number queued."""
    ahead = timedelta(days=max(settings.paper_reminder_days, default=0) + 1)
    queued = 0
    for deadline in paper_deadlines(session, settings, now, due_within=ahead):
        today = utc_to_local(now, deadline.meeting.timezone).date()
        if deadline.status(today) is PaperStatus.LATE:
            queued += _tell_secretariat(session, settings, now, deadline)
        else:
            queued += _remind_owner(session, settings, now, deadline, (deadline.due - today).days)
    return queued


def _remind_owner(
    session: Session, settings: Settings, now: datetime, deadline: PaperDeadline, days_left: int
) -> int:
    to = recipient_of(deadline.paper.owner)
    leads = sorted(lead for lead in settings.paper_reminder_days if days_left <= lead)
    if to is None or not leads:
        return 0
    paper, meeting = deadline.paper, deadline.meeting
    queued = 0
    for lead in leads:
        draft = meeting_draft(
            session,
            key=f"paper-due:{paper.id}:{deadline.due.isoformat()}:{lead}",
            kind=NotificationKind.REMINDER,
            meeting=meeting,
            to=to,
            template="paper_due",
            subject=_l("Paper due: %(paper)s", paper=paper.citation),
            settings=settings,
            now=now,
            paper=paper.citation,
            title=paper.title,
            due=LazyString(format_moment, deadline.due, DAY_FORMAT, settings.default_language),
            days_left=days_left,
        )
        if lead == leads[0]:
            queued += outbox.enqueue(session, draft, now)
        else:
            note = f"Superseded by the {leads[0]}-day reminder"
            outbox.enqueue(session, draft, now, status=OutboxStatus.SKIPPED, note=note)
    return queued


def _tell_secretariat(
    session: Session, settings: Settings, now: datetime, deadline: PaperDeadline
) -> int:
    paper, meeting = deadline.paper, deadline.meeting
    draft = secretariat_draft(
        key=f"paper-late:{paper.id}:{deadline.due.isoformat()}",
        kind=NotificationKind.AGENDA_LATE,
        template="paper_late",
        subject=_l("Paper late: %(paper)s", paper=paper.citation),
        settings=settings,
        meeting=meeting,
        paper=paper.citation,
        title=paper.title,
        owner=paper.owner.display_name if paper.owner is not None else "",
        due=LazyString(format_moment, deadline.due, DAY_FORMAT, settings.default_language),
    )
    return int(outbox.enqueue(session, draft, now))
