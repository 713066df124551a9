"""Finding meetings: filters (topic, kind, organisation, status, date range) and paging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from app.meetings.access import readable_by
from app.meetings.involvement import involves_organisation
from app.meetings.models import Meeting, MeetingKind, MeetingStatus, meeting_topics
from app.topics.models import TopicArea

if TYPE_CHECKING:
    from app.auth.models import User

T = TypeVar("T", bound=Any)


@dataclass(frozen=True)
class MeetingFilter:
    topic: str | None = None  # topic slug
    kind: str | None = None  # meeting kind slug
    organisation_id: int | None = None  # hosts, sends a delegate, invites or is invited
    status: MeetingStatus | None = None
    start: date | None = None  # meetings that end on or after this (UTC) day
    end: date | None = None  # meetings that start on or before this (UTC) day


def list_meetings(
    session: Session,
    actor: User | None,
    filters: MeetingFilter = MeetingFilter(),
    *,
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[Meeting], int]:
    """One page of the meetings `actor` may read, in start order, and how many match in all."""
    query = _filtered(select(Meeting), actor, filters)
    total = session.scalar(_filtered(select(func.count(Meeting.id)), actor, filters)) or 0
    rows = session.scalars(
        query.options(selectinload(Meeting.topics))
        .order_by(Meeting.start_utc, Meeting.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return rows, total


def _filtered(query: Select[T], actor: User | None, filters: MeetingFilter) -> Select[T]:
    query = query.where(readable_by(actor))
    if filters.topic:
        query = query.where(
            Meeting.id.in_(
                select(meeting_topics.c.meeting_id)
                .join(TopicArea, TopicArea.id == meeting_topics.c.topic_id)
                .where(TopicArea.slug == filters.topic)
            )
        )
    if filters.kind:
        query = query.where(
            Meeting.kind_id.in_(select(MeetingKind.id).where(MeetingKind.slug == filters.kind))
        )
    if filters.status is not None:
        query = query.where(Meeting.status == filters.status)
    if filters.organisation_id is not None:
        query = query.where(involves_organisation(filters.organisation_id))
    if filters.start is not None:
        query = query.where(Meeting.end_utc > _midnight(filters.start))
    if filters.end is not None:
        query = query.where(Meeting.start_utc < _midnight(filters.end + timedelta(days=1)))
    return query


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)
