"""When a provisional agenda falls due: one rule for the dashboard panel and the late alert.

A meeting needs its provisional agenda `working_days` working days before its local date
(Monday to Friday, skipping unavailable dates) while no version has been circulated. Only
tentative and confirmed meetings count: a cancelled meeting needs no agenda, and a postponed
one has no date to prepare for until it is moved and confirmed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, exists, select, true
from sqlalchemy.orm import Session

from app.agendas.models import AgendaVersion
from app.core.timezones import utc_to_local
from app.meetings.models import Meeting, MeetingStatus, UnavailableDate

PREPARED_STATUSES = (MeetingStatus.TENTATIVE, MeetingStatus.CONFIRMED)


@dataclass(frozen=True)
class AgendaDeadline:
    """A meeting without a circulated agenda and the local date its agenda is due."""

    meeting: Meeting
    due: date

    def late_on(self, today: date) -> bool:
        """Whether the agenda is late on `today` (the due date itself is not late)."""
        return today > self.due


def agenda_due_date(meeting_day: date, working_days: int, unavailable: set[date]) -> date:
    """`working_days` working days (Monday to Friday, not marked unavailable) before the
    meeting's local date: 10 before a Tuesday 16 March is Tuesday 2 March."""
    day, counted = meeting_day, 0
    while counted < working_days:
        day -= timedelta(days=1)
        if day.weekday() < 5 and day not in unavailable:
            counted += 1
    return day


def last_meeting_day_due(by: date, working_days: int, unavailable: set[date]) -> date:
    """The latest meeting date whose agenda is due on or before `by`: the inverse of
    `agenda_due_date`, so that a sweep looks exactly as far ahead as the setting needs."""
    day, counted = by, 0
    while counted < working_days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in unavailable:
            counted += 1
    return day


def agenda_deadlines(
    session: Session,
    now: datetime,
    working_days: int,
    *,
    due_within: timedelta = timedelta(0),
    visible: ColumnElement[bool] | None = None,
) -> list[AgendaDeadline]:
    """Meetings starting after `now` that still need their provisional agenda (see the
    module docstring) and whose agenda is due by `due_within` from today or earlier, soonest
    first, with their due dates; `visible` narrows them further (e.g. `readable_by(actor)`).
    One query for the meetings and one for the unavailable dates, however many meetings."""
    unavailable = set(session.scalars(select(UnavailableDate.day)))
    # A day's margin either side: a meeting's local date may differ from the UTC date.
    last_day = last_meeting_day_due((now + due_within).date(), working_days, unavailable)
    horizon = datetime.combine(last_day + timedelta(days=2), time(0, 0), tzinfo=UTC)
    query = (
        select(Meeting)
        .where(
            visible if visible is not None else true(),
            Meeting.status.in_(PREPARED_STATUSES),
            Meeting.start_utc > now,
            Meeting.start_utc < horizon,
            ~exists().where(AgendaVersion.meeting_id == Meeting.id),
        )
        .order_by(Meeting.start_utc, Meeting.id)
    )
    return [
        AgendaDeadline(
            meeting,
            agenda_due_date(
                utc_to_local(meeting.start_utc, meeting.timezone).date(), working_days, unavailable
            ),
        )
        for meeting in session.scalars(query)
    ]
