"""Keep cached events honest about what the meeting row does not show.

A meeting's VEVENT also shows its circulated agenda's headline, its topics' names and its
delegates' names. Those live in other tables, edited by other services, and changing them must not
raise the meeting's optimistic-lock version (an editor with the meeting open would get a
false conflict). So after each flush this listener bumps `feed_event_versions` for the
meetings concerned, in the same transaction: the cache fingerprint and the event's
SEQUENCE include that counter (app.feeds.stamp). `install()` is called by the app factory,
never on import.

Two more changes raise it, however they were made (web form, API, CLI, a script):
- an invitation issued or withdrawn: the attendee list of the iTIP messages changes, so the
  CANCEL of a withdrawn invitation and a later REQUEST each carry a higher SEQUENCE;
- a user's role, active state or linked person (`User.person_id`): the restricted meetings
  they now read, or no longer read (app.meetings.access), switch between a busy block and a
  full entry in their feeds, and a client that trusts SEQUENCE must take the new copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from app.agendas.models import AgendaVersion
from app.auth.models import Role, User
from app.core import clock
from app.core.upsert import dialect_insert
from app.feeds.models import FeedEventVersion
from app.invitations.models import Invitation, InvitationStatus
from app.meetings.access import Reader, readability_switched
from app.meetings.models import Meeting, Participant, meeting_topics
from app.people.models import Person
from app.topics.models import TopicArea

# What `Reader` is made of: a change to one of these may change what the user reads.
_READER_FIELDS = ("role", "is_active", "person_id")
_READERS_BEFORE = "entente.feeds.readers_before"


def install() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    """Note what each user about to change read before, as the database still holds it (the
    object's own history lacks the old value when the attribute was set without being read)."""
    changed = [
        user.id
        for user in session.dirty
        if isinstance(user, User)
        and user.id is not None
        and any(inspect(user).attrs[name].history.has_changes() for name in _READER_FIELDS)
    ]
    if not changed:
        return
    rows = session.connection().execute(
        select(User.id, User.role, User.is_active, User.person_id).where(User.id.in_(changed))
    )
    before = session.info.setdefault(_READERS_BEFORE, {})
    for row in rows:
        before.setdefault(
            row.id,
            Reader(
                reads_all=bool(row.is_active) and Role(row.role).at_least(Role.EDITOR),
                person_id=row.person_id,
            ),
        )


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
        elif isinstance(obj, Invitation) and _attendance_changed(session, obj):
            meeting_ids.add(obj.meeting_id)
    meeting_ids.update(_access_switched(session))
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


def _attendance_changed(session: Session, invitation: Invitation) -> bool:
    """Issued, or withdrawn: the person is added to or taken off the meeting's attendees."""
    if invitation in session.new:
        return True
    if invitation in session.deleted:
        return False  # only with its meeting (cascade), or by hand: nobody is told
    history = inspect(invitation).attrs.status.history
    return InvitationStatus.WITHDRAWN in (*history.added, *history.deleted)


def _access_switched(session: Session) -> set[int]:
    """The restricted meetings that users changed in this flush now read or no longer read."""
    before: dict[int, Reader] = session.info.pop(_READERS_BEFORE, {})
    switched: set[int] = set()
    for user_id, was in before.items():
        user = session.get(User, user_id)
        if user is None or user in session.deleted:
            continue
        now = Reader.of(user)
        if now != was:
            query = select(Meeting.id).where(readability_switched(was, now))
            switched.update(session.scalars(query))
    return switched


def bump(session: Session, meeting_ids: Iterable[int]) -> None:
    """Raise the feed version of these meetings (insert the row on first use)."""
    now = clock.now()
    rows: list[dict[str, Any]] = [
        {"meeting_id": meeting_id, "version": 1, "changed_at": now} for meeting_id in meeting_ids
    ]
    if not rows:
        return
    table = FeedEventVersion.__table__
    statement = dialect_insert(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=["meeting_id"],
        set_={"version": table.c.version + 1, "changed_at": statement.excluded.changed_at},
    )
    session.connection().execute(statement, rows)
