"""Scheduled sweep: tell the secretariat when a provisional agenda is late."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agendas.models import AgendaVersion
from app.core.timezones import utc_to_local
from app.meetings.models import Meeting, MeetingStatus, UnavailableDate
from app.notifications import outbox
from app.notifications.compose import secretariat_draft
from app.notifications.models import NotificationKind
from app.settings import Settings

HORIZON = timedelta(days=90)  # meetings further ahead cannot be late yet


def agenda_due_date(meeting_day: date, working_days: int, unavailable: set[date]) -> date:
    """`working_days` working days (Monday to Friday, not marked unavailable) before the
    meeting's local date: 10 before a Tuesday 16 March is Tuesday 2 March."""
    day, counted = meeting_day, 0
    while counted < working_days:
        day -= timedelta(days=1)
        if day.weekday() < 5 and day not in unavailable:
            counted += 1
    return day


def agenda_circulated(session: Session, meeting: Meeting) -> bool:
    """Whether an agenda went out: a draft that was never circulated does not count."""
    found = session.scalar(
        select(AgendaVersion.id).where(AgendaVersion.meeting_id == meeting.id).limit(1)
    )
    return found is not None


def check_agenda_deadlines(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """One alert per meeting and due date (a meeting that moves gets a new due date, and so
    possibly a new alert) once the due date has passed in the meeting's zone."""
    meetings = session.scalars(
        select(Meeting)
        .where(
            Meeting.status.in_([MeetingStatus.TENTATIVE, MeetingStatus.CONFIRMED]),
            Meeting.start_utc > now,
            Meeting.start_utc <= now + HORIZON,
        )
        .order_by(Meeting.start_utc)
    ).all()
    if not meetings:
        return 0
    unavailable = set(session.scalars(select(UnavailableDate.day)))
    queued = 0
    for meeting in meetings:
        local_start = utc_to_local(meeting.start_utc, meeting.timezone).date()
        due = agenda_due_date(local_start, settings.agenda_due_working_days, unavailable)
        today = utc_to_local(now, meeting.timezone).date()
        if today <= due or agenda_circulated(session, meeting):
            continue
        draft = secretariat_draft(
            key=f"agenda-late:{meeting.id}:{due.isoformat()}",
            kind=NotificationKind.AGENDA_LATE,
            template="agenda_late",
            subject=f"Agenda late: {meeting.title}",
            settings=settings,
            meeting=meeting,
            due=f"{due:%a %d %b %Y}",
            working_days=settings.agenda_due_working_days,
        )
        queued += outbox.enqueue(session, draft, now)
    return queued
