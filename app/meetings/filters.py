"""Which meetings match a filter: one rule for the web lists, the API and the feeds' scopes.

Each criterion is a small function returning a SQL expression over `Meeting`; the
`MeetingFilter` dataclass combines them with need-to-know (app.meetings.access). A topic or
a kind is named by id (the web forms) or by slug (the API, feed scopes): an `int` is an id,
a `str` a slug. Dates are whole days in a zone the caller names: the web the viewer's zone,
the API UTC (as its documentation says).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, true

from app.core.timezones import zone
from app.core.validation import in_range
from app.meetings.access import readable_by
from app.meetings.involvement import involves_organisation
from app.meetings.models import Meeting, MeetingKind, MeetingStatus, meeting_topics
from app.topics.models import TopicArea

if TYPE_CHECKING:
    from app.auth.models import User

MAX_TEXT = 200


def of_topic(topic: int | str) -> ColumnElement[bool]:
    """Meetings about a topic area, given by id (int) or slug (str)."""
    condition = (
        meeting_topics.c.topic_id == topic
        if isinstance(topic, int)
        else meeting_topics.c.topic_id.in_(select(TopicArea.id).where(TopicArea.slug == topic))
    )
    return exists().where(meeting_topics.c.meeting_id == Meeting.id, condition)


def of_kind(kind: int | str) -> ColumnElement[bool]:
    """Meetings of a kind, given by id (int) or slug (str)."""
    if isinstance(kind, int):
        return Meeting.kind_id == kind
    return Meeting.kind_id.in_(select(MeetingKind.id).where(MeetingKind.slug == kind))


def matching_text(text: str) -> ColumnElement[bool]:
    """Title, venue or host city contain `text` (case-insensitive; % and _ taken literally)."""
    pattern = f"%{_escape_like(text.strip()[:MAX_TEXT])}%"
    return or_(
        Meeting.title.ilike(pattern, escape="\\"),
        Meeting.venue.ilike(pattern, escape="\\"),
        Meeting.host_city.ilike(pattern, escape="\\"),
    )


def in_days(first: date | None, last: date | None, zone_name: str) -> ColumnElement[bool]:
    """Meetings overlapping the whole days `first` to `last` (either open) in `zone_name`:
    ending after the start of `first`, starting before the end of `last`."""
    conditions: list[ColumnElement[bool]] = []
    if first is not None:
        in_range(first, "date_from")
        conditions.append(Meeting.end_utc > _midnight(first, zone_name))
    if last is not None:
        in_range(last, "date_to")
        conditions.append(Meeting.start_utc < _midnight(last + timedelta(days=1), zone_name))
    return _all(conditions)


@dataclass(frozen=True)
class MeetingFilter:
    """Every field optional; `date_from`/`date_to` are whole days in `zone_name`."""

    text: str = ""
    topic: int | str | None = None  # id or slug
    kind: int | str | None = None  # id or slug
    organisation_id: int | None = None  # hosts, sends a delegate, invites or is invited
    status: MeetingStatus | None = None
    date_from: date | None = None
    date_to: date | None = None
    zone_name: str = "UTC"

    def criteria(self) -> ColumnElement[bool]:
        """The filter alone, without need-to-know (the feeds add their own reader's rule)."""
        conditions: list[ColumnElement[bool]] = []
        if self.text.strip():
            conditions.append(matching_text(self.text))
        if self.topic is not None and self.topic != "":
            conditions.append(of_topic(self.topic))
        if self.kind is not None and self.kind != "":
            conditions.append(of_kind(self.kind))
        if self.status is not None:
            conditions.append(Meeting.status == self.status)
        if self.organisation_id is not None:
            conditions.append(involves_organisation(self.organisation_id))
        conditions.append(in_days(self.date_from, self.date_to, self.zone_name))
        return _all(conditions)

    def where(self, actor: User | None) -> ColumnElement[bool]:
        """The meetings `actor` may read that match."""
        return and_(readable_by(actor), self.criteria())

    def filtered(self, actor: User | None) -> Select[Meeting]:
        """`select(Meeting)` of the meetings `actor` may read that match."""
        return select(Meeting).where(self.where(actor))


def _all(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return and_(*conditions) if conditions else true()


def _midnight(day: date, zone_name: str) -> datetime:
    return datetime.combine(day, time()).replace(tzinfo=zone(zone_name))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
