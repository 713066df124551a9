"""Finding meetings: filtered, searched, paged lists and month calendars (read-only).

The filter itself is app.meetings.filters (one rule for the web, the API and the feeds).

Each list is what `actor` may read (app.meetings.access): restricted meetings outside their
reach are left out, whatever the filters.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.core.paging import Page, paginate
from app.core.timezones import local_dates, local_to_utc
from app.meetings.access import readable_by
from app.meetings.filters import MeetingFilter
from app.meetings.models import Meeting, MeetingStatus

if TYPE_CHECKING:
    from app.auth.models import User


def list_meetings(
    session: Session,
    actor: User | None,
    filters: MeetingFilter | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[Meeting], int]:
    """Rows `offset` to `offset + limit` of the matching meetings `actor` may read, in start
    order, and how many match in all (the API's paging: a page past the end is empty)."""
    where = (filters or MeetingFilter()).where(actor)
    total = session.scalar(select(func.count(Meeting.id)).where(where)) or 0
    rows = session.scalars(
        select(Meeting)
        .where(where)
        .options(selectinload(Meeting.topics))
        .order_by(Meeting.start_utc, Meeting.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total


def search_meetings(
    session: Session,
    actor: User | None,
    filters: MeetingFilter,
    *,
    page: int = 1,
    per_page: int = 25,
) -> Page[Meeting]:
    """One page of the meetings `actor` may read that match `filters`, in start order."""
    query = (
        filters.filtered(actor)
        .options(selectinload(Meeting.topics))
        .order_by(Meeting.start_utc, Meeting.id)
    )
    return paginate(session, query, page, per_page)


@dataclass(frozen=True)
class MonthGrid:
    year: int
    month: int
    weeks: list[list[date]]  # Monday-first weeks covering the month
    by_day: dict[date, list[Meeting]]

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def month_grid(
    session: Session, actor: User | None, year: int, month: int, filters: MeetingFilter
) -> MonthGrid:
    """Meetings on each day of a month's grid, placed by their dates in their own zone."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first_day, last_day = weeks[0][0], weeks[-1][-1]
    # A day either side: a meeting's own date may differ from the UTC date.
    window_start = local_to_utc(datetime.combine(first_day - timedelta(days=1), time()), "UTC")
    window_end = local_to_utc(datetime.combine(last_day + timedelta(days=2), time()), "UTC")
    query = (
        filters.filtered(actor)
        .where(Meeting.start_utc < window_end, Meeting.end_utc > window_start)
        .order_by(Meeting.start_utc, Meeting.id)
    )
    by_day: dict[date, list[Meeting]] = {}
    for meeting in session.scalars(query):
        for day in local_dates(meeting.start_utc, meeting.end_utc, meeting.timezone):
            if first_day <= day <= last_day:
                by_day.setdefault(day, []).append(meeting)
    return MonthGrid(year, month, weeks, by_day)


def upcoming(
    session: Session, actor: User | None, now: datetime, until: datetime, limit: int
) -> Sequence[Meeting]:
    """Meetings not cancelled that start between `now` and `until`, soonest first."""
    query = (
        select(Meeting)
        .where(
            readable_by(actor),
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.start_utc >= now,
            Meeting.start_utc < until,
        )
        .order_by(Meeting.start_utc)
        .limit(limit)
    )
    return session.scalars(query).all()
