"""Scheduled sweep: tell the secretariat when a provisional agenda is late."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy.orm import Session

from app.agendas.deadlines import agenda_deadlines
from app.core.languages import format_moment
from app.core.timezones import utc_to_local
from app.notifications import outbox
from app.notifications.compose import secretariat_draft
from app.notifications.models import NotificationKind
from app.settings import Settings


def check_agenda_deadlines(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """One alert per meeting and due date (a meeting that moves gets a new due date, and so
    possibly a new alert) once the due date has passed in the meeting's zone."""
    queued = 0
    for deadline in agenda_deadlines(session, now, settings.agenda_due_working_days):
        meeting, due = deadline.meeting, deadline.due
        if not deadline.late_on(utc_to_local(now, meeting.timezone).date()):
            continue
        draft = secretariat_draft(
            key=f"agenda-late:{meeting.id}:{due.isoformat()}",
            kind=NotificationKind.AGENDA_LATE,
            template="agenda_late",
            subject=_l("Agenda late: %(title)s", title=meeting.title),
            settings=settings,
            meeting=meeting,
            due=LazyString(format_moment, due, "%a %d %b %Y", settings.default_language),
            working_days=settings.agenda_due_working_days,
        )
        queued += outbox.enqueue(session, draft, now)
    return queued
