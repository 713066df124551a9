"""A meeting's calendar SEQUENCE and last-change time: one rule for the feeds and the e-mails.

A calendar client keeps one entry per UID and replaces it only with a copy whose SEQUENCE is
at least as high (RFC 5545, 5546). The feeds (app.feeds.events) and the iTIP parts of
invitation and change e-mails (app.notifications.compose) carry the same UID, so they must
count the same revisions: both call this module, never `Meeting.sequence` alone.

Two counters, each only rising, make the SEQUENCE:
- `Meeting.sequence`, raised by the meetings services on a change of what the meeting row
  holds (time, place, title, status, access) and of its delegation;
- `feed_event_versions.version`, raised after each flush by app.feeds.invalidation for changes
  kept in other tables: an agenda circulated, a topic or delegate renamed, an invitation issued
  or withdrawn (the attendee list), a reader gaining or losing the right to read the meeting.
The last-change time (a feed's DTSTAMP) is the later of the two rows' change times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.feeds.models import FeedEventVersion
from app.meetings.models import Meeting


@dataclass(frozen=True)
class CalendarStamp:
    sequence: int
    changed_at: datetime


def calendar_stamp(
    meeting: Meeting, extra_version: int = 0, extra_changed_at: datetime | None = None
) -> CalendarStamp:
    """The stamp from the meeting and its `feed_event_versions` row (0 / None: no row yet)."""
    changed = meeting.updated_at
    if extra_changed_at is not None:
        changed = max(changed, extra_changed_at)
    return CalendarStamp(sequence=meeting.sequence + extra_version, changed_at=changed)


def current_stamp(session: Session, meeting: Meeting) -> CalendarStamp:
    """The stamp as the database holds it now, flushed changes included."""
    return current_stamps(session, [meeting])[meeting.id]


def current_stamps(session: Session, meetings: Sequence[Meeting]) -> dict[int, CalendarStamp]:
    """The stamps of `meetings` by id, in one query (a page of a list).

    A Core query rather than the ORM: the counter is raised by a Core upsert after a flush,
    which an already loaded `FeedEventVersion` object would not show.
    """
    session.flush()
    ids = [meeting.id for meeting in meetings]
    rows = (
        session.execute(
            select(
                FeedEventVersion.meeting_id, FeedEventVersion.version, FeedEventVersion.changed_at
            ).where(FeedEventVersion.meeting_id.in_(ids))
        ).all()
        if ids
        else []
    )
    extra = {row.meeting_id: (row.version, row.changed_at) for row in rows}
    return {
        meeting.id: calendar_stamp(meeting, *extra.get(meeting.id, (0, None)))
        for meeting in meetings
    }
