"""Keep cached events honest about what the meeting row does not show.

A meeting's VEVENT also shows its circulated agenda's headline, its topics' names and its
delegates' names. Those live in other tables, edited by other services, and changing them must not
raise the meeting's optimistic-lock version (an editor with the meeting open would get a
false conflict). So after each flush this listener bumps `feed_event_versions` for the
meetings concerned, in the same transaction: the cache fingerprint and the event's
SEQUENCE include that counter. `install()` is called by the app factory, never on import.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, UOWTransaction

from app.agendas.models import AgendaVersion
from app.core import clock
from app.feeds.models import FeedEventVersion
from app.meetings.models import Meeting, Participant, meeting_topics
from app.people.models import Person
from app.topics.models import TopicArea


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    meeting_ids: set[int] = set()
    topic_ids: set[int] = set()
    person_ids: set[int] = set()
    gone = {obj.id for obj in session.deleted if isinstance(obj, Meeting)}
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, AgendaVersion):  # a circulation; draft edits show nowhere
            meeting_ids.add(obj.meeting_id)
        elif (
            isinstance(obj, TopicArea | Person)
            and obj in session.dirty
            and session.is_modified(obj, include_collections=False)
        ):
            (topic_ids if isinstance(obj, TopicArea) else person_ids).add(obj.id)
    if topic_ids:
        meeting_ids.update(
            session.scalars(
                select(meeting_topics.c.meeting_id).where(meeting_topics.c.topic_id.in_(topic_ids))
            )
        )
    if person_ids:
        meeting_ids.update(
            session.scalars(
                select(Participant.meeting_id).where(Participant.person_id.in_(person_ids))
            )
        )
    meeting_ids -= gone
    if meeting_ids:
        bump(session, sorted(meeting_ids))


def bump(session: Session, meeting_ids: Iterable[int]) -> None:
    """Raise the feed version of these meetings (insert the row on first use)."""
    now = clock.now()
    rows: list[dict[str, Any]] = [
        {"meeting_id": meeting_id, "version": 1, "changed_at": now} for meeting_id in meeting_ids
    ]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = FeedEventVersion.__table__
    statement = insert(table)  # type: ignore[arg-type]
    statement = statement.on_conflict_do_update(
        index_elements=["meeting_id"],
        set_={"version": table.c.version + 1, "changed_at": statement.excluded.changed_at},
    )
    session.connection().execute(statement, rows)
