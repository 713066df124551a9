"""Clashes a meeting would cause: people double-booked, or dates the secretariat cannot do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.languages import current_language, format_moment
from app.core.timezones import local_dates, utc_to_local
from app.meetings.access import Reader, readable
from app.meetings.models import Meeting, MeetingStatus, Participant, UnavailableDate
from app.people.models import Person


@dataclass(frozen=True)
class Warning:
    """Something a user must see and confirm, but that does not stop the change."""

    code: Literal[
        "person_double_booked", "unavailable_date", "outside_planned_half", "host_alternation"
    ]
    message: str
    other_meeting_id: int | None = None
    person_id: int | None = None


def find_conflicts(
    session: Session, meeting: Meeting, *, reader: Reader | None = None
) -> list[Warning]:
    """Every clash, naming the other meeting; for a `reader`, a meeting they may not read
    is named only as restricted, with its time (as busy time in their calendar feed)."""
    if meeting.status is MeetingStatus.CANCELLED:
        return []
    return _double_bookings(session, meeting, reader) + _unavailable_days(session, meeting)


def _double_bookings(session: Session, meeting: Meeting, reader: Reader | None) -> list[Warning]:
    person_ids = [p.person_id for p in meeting.participants]
    if not person_ids:
        return []
    shown = readable(reader if reader is not None else Reader(reads_all=True))
    rows = session.execute(
        select(Person, Meeting, shown)
        .join(Participant, Participant.person_id == Person.id)
        .join(Meeting, Meeting.id == Participant.meeting_id)
        .where(
            Participant.person_id.in_(person_ids),
            Meeting.id != meeting.id,
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.start_utc < meeting.end_utc,
            Meeting.end_utc > meeting.start_utc,
        )
        .order_by(Meeting.start_utc)
    ).all()
    return [_double_booked(person, other, bool(may_read)) for person, other, may_read in rows]


def _double_booked(person: Person, other: Meeting, may_read: bool) -> Warning:
    span = _span(other.start_utc, other.end_utc, other.timezone)
    if not may_read:
        return Warning(
            code="person_double_booked",
            message=_(
                "%(display_name)s is also in a meeting whose details are restricted (%(span)s)",
                display_name=person.display_name,
                span=span,
            ),
            person_id=person.id,
        )
    return Warning(
        code="person_double_booked",
        message=_(
            "%(display_name)s is also in “%(title)s” (%(span)s)",
            display_name=person.display_name,
            title=other.title,
            span=span,
        ),
        other_meeting_id=other.id,
        person_id=person.id,
    )


def _unavailable_days(session: Session, meeting: Meeting) -> list[Warning]:
    days = local_dates(meeting.start_utc, meeting.end_utc, meeting.timezone)
    rows = session.scalars(select(UnavailableDate).where(UnavailableDate.day.in_(days))).all()
    return [
        Warning(
            code="unavailable_date",
            message=_(
                "%(day)s is marked unavailable: %(reason)s", day=_day(row.day), reason=row.reason
            )
            if row.reason
            else _("%(day)s is marked unavailable", day=_day(row.day)),
        )
        for row in rows
    ]


def _span(start: datetime, end: datetime, zone_name: str) -> str:
    local_start, local_end = utc_to_local(start, zone_name), utc_to_local(end, zone_name)
    return f"{local_start:%d %b %Y %H:%M}–{local_end:%H:%M} {zone_name}"


def _day(day: date) -> str:
    """'Tuesday 16 March 2027' in the reader's language."""
    return format_moment(day, "%A %d %B %Y", current_language())
