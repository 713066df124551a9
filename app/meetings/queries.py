"""Finding meetings: filtered, searched, paged lists and month calendars (read-only).

Each list is what `actor` may read (app.meetings.access): restricted meetings outside their
reach are left out, whatever the filters.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from app.core.paging import Page, paginate
from app.core.timezones import local_dates, local_to_utc, zone
from app.core.validation import in_range
from app.meetings.access import readable_by
from app.meetings.involvement import involves_organisation
from app.meetings.models import Meeting, MeetingStatus, meeting_topics

if TYPE_CHECKING:
    from app.auth.models import User


@dataclass(frozen=True)
class MeetingFilter:
    """Every field optional; dates are whole days in `zone_name` (the viewer's zone)."""

    text: str = ""
    topic_id: int | None = None
    kind_id: int | None = None
    organisation_id: int | None = None
    status: MeetingStatus | None = None
    date_from: date | None = None
    date_to: date | None = None
    zone_name: str = "Europe/London"


def filtered(actor: User | None, filters: MeetingFilter) -> Select[Meeting]:
    """The meetings `actor` may read that match `filters`."""
    query = select(Meeting).where(readable_by(actor))
    if filters.text.strip():
        pattern = f"%{_escape_like(filters.text.strip())}%"
        query = query.where(
            or_(
                Meeting.title.ilike(pattern, escape="\\"),
                Meeting.venue.ilike(pattern, escape="\\"),
                Meeting.host_city.ilike(pattern, escape="\\"),
            )
        )
    if filters.topic_id is not None:
        query = query.where(
            exists().where(
                meeting_topics.c.meeting_id == Meeting.id,
                meeting_topics.c.topic_id == filters.topic_id,
            )
        )
    if filters.kind_id is not None:
        query = query.where(Meeting.kind_id == filters.kind_id)
    if filters.status is not None:
        query = query.where(Meeting.status == filters.status)
    if filters.organisation_id is not None:
        query = query.where(involves_organisation(filters.organisation_id))
    tz = zone(filters.zone_name)
    if filters.date_from is not None:
        in_range(filters.date_from, "date_from")
        start = datetime.combine(filters.date_from, time()).replace(tzinfo=tz)
        query = query.where(Meeting.end_utc > start)
    if filters.date_to is not None:
        in_range(filters.date_to, "date_to")
        end = datetime.combine(filters.date_to + timedelta(days=1), time()).replace(tzinfo=tz)
        query = query.where(Meeting.start_utc < end)
    return query


def search_meetings(
    session: Session,
    actor: User | None,
    filters: MeetingFilter,
    *,
    page: int = 1,
    per_page: int = 25,
) -> Page[Meeting]:
    query = (
        filtered(actor, filters)
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
        filtered(actor, filters)
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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
