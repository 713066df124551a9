"""Who may read a meeting: one rule for the web pages, the JSON API and the calendar feeds.

A public or internal meeting is read by every signed-in user. A restricted meeting is
need-to-know: editors and admins read it; any other user reads it only when their account is
linked (`User.person_id`) to a person in its delegation (a `Participant` of either side).

Being invited does not count (`Invitation.invitee_person_id`, `representative_id`): an
invitation may cover only some agenda items or the lunch, so the whole meeting page (agenda,
delegation, other invitations) would tell an invitee more than they were invited to, and the
invitation e-mail already carries what concerns them. Someone who is to attend is added to the
delegation, and from then on reads the meeting.

Whoever may not read a meeting never gets its title, topics, venue, description, delegation,
invitations, agenda or documents: lists leave it out, and its pages answer 404 exactly as an
unknown id does, so that its existence does not leak either. Calendar feeds show it as busy
time, "Details restricted" (app.feeds.selection builds its variant from `readable` below).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select, true
from sqlalchemy.orm import Session

from app.auth.models import Role, User
from app.core.errors import NotFound
from app.meetings.models import Access, Meeting, Participant


@dataclass(frozen=True)
class Reader:
    """What the rule needs to know of a user: do they read everything, and who are they."""

    reads_all: bool
    person_id: int | None = None

    @classmethod
    def of(cls, user: User | None) -> Reader:
        if user is None:
            return cls(reads_all=False)
        return cls(reads_all=user.has_role(Role.EDITOR), person_id=user.person_id)


def readable(reader: Reader) -> ColumnElement[bool]:
    """The meetings `reader` may read, as a SQL condition on `Meeting` (for lists and feeds)."""
    if reader.reads_all:
        return true()
    not_restricted = Meeting.access != Access.RESTRICTED
    if reader.person_id is None:
        return not_restricted
    # Correlated with the meeting only, so that a query already joining participants (the
    # double-booking check) still asks about this person.
    in_delegation = (
        exists()
        .where(Participant.meeting_id == Meeting.id, Participant.person_id == reader.person_id)
        .correlate(Meeting)
    )
    return or_(not_restricted, in_delegation)


def readability_switched(before: Reader, after: Reader) -> ColumnElement[bool]:
    """The meetings one reader reads and the other does not, as a SQL condition on `Meeting`:
    what a change of role, of active state or of linked person shows or hides (a calendar
    feed turns those events from busy blocks into full entries or back)."""
    if before == after:
        return false()
    was, now = readable(before), readable(after)
    return and_(
        Meeting.access == Access.RESTRICTED, or_(and_(was, not_(now)), and_(now, not_(was)))
    )


def readable_by(user: User | None) -> ColumnElement[bool]:
    """`readable` for a user: add it to a query's WHERE to leave out what they may not read."""
    return readable(Reader.of(user))


def may_read(session: Session, user: User | None, meeting: Meeting) -> bool:
    """Whether `user` may read `meeting` (the same condition as `readable`, asked of one row)."""
    reader = Reader.of(user)
    if reader.reads_all or meeting.access is not Access.RESTRICTED:
        return True
    return meeting.id in readable_ids(session, user, [meeting.id])


def readable_ids(session: Session, user: User | None, meeting_ids: Iterable[int]) -> set[int]:
    """Those of `meeting_ids` that `user` may read (one query)."""
    wanted = sorted(set(meeting_ids))
    if not wanted:
        return set()
    query = select(Meeting.id).where(Meeting.id.in_(wanted), readable_by(user))
    return set(session.scalars(query))


def readable_meeting(session: Session, user: User | None, meeting_id: int) -> Meeting:
    """The meeting, if `user` may read it; otherwise the same NotFound as for an unknown id."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not may_read(session, user, meeting):
        raise NotFound(
            _("No meeting with id %(meeting_id)s", meeting_id=meeting_id), field="meeting"
        )
    return meeting
