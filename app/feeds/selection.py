"""Which meetings a feed holds, and which of them a subscriber may read in full.

Both are SQL expressions, so that the feed query returns, per meeting, the cache variant to
join ("full" or "busy") without loading a single meeting object.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, literal, or_, select, true

from app.auth.models import User
from app.core.validation import is_digits
from app.feeds.models import FeedScope
from app.invitations.models import Invitation
from app.meetings.access import Reader, readable
from app.meetings.models import Access, Meeting, MeetingKind, Participant, meeting_topics
from app.people.models import Organisation, Person
from app.topics.models import TopicArea

FULL = "full"
BUSY = "busy"


@dataclass(frozen=True)
class Audience:
    """Who reads the feed. A meeting they may read (app.meetings.access: editors and admins
    everything, others a restricted meeting only when in its delegation) is in full; any other
    is busy time. The public feed holds public meetings only, in full."""

    reader: Reader
    public_only: bool = False

    @classmethod
    def of(cls, user: User) -> Audience:
        return cls(Reader.of(user))

    @classmethod
    def public(cls) -> Audience:
        return cls(Reader(reads_all=True), public_only=True)

    @property
    def key(self) -> str:
        if self.public_only:
            return "public"
        return "editor" if self.reader.reads_all else f"reader:{self.reader.person_id or 0}"


@dataclass(frozen=True)
class Selection:
    scope: FeedScope
    scope_ref: str
    audience: Audience

    @property
    def key(self) -> str:
        return f"{self.scope.value}:{self.scope_ref}|{self.audience.key}"


def scope_filter(selection: Selection) -> ColumnElement[bool]:
    """The meetings in the feed's scope (and, for the public feed, only public ones)."""
    if selection.audience.public_only:
        return Meeting.access == Access.PUBLIC
    return _scope(selection.scope, selection.scope_ref)


def variant_expression(audience: Audience) -> ColumnElement[str]:
    """'full' where the audience may read the meeting, else 'busy' (restricted meetings)."""
    if audience.reader.reads_all:
        return literal(FULL)
    return case((readable(audience.reader), FULL), else_=literal(BUSY))


def _scope(scope: FeedScope, ref: str) -> ColumnElement[bool]:
    if scope is FeedScope.ALL:
        return true()
    if scope is FeedScope.TOPIC:
        return Meeting.id.in_(
            select(meeting_topics.c.meeting_id)
            .join(TopicArea, TopicArea.id == meeting_topics.c.topic_id)
            .where(TopicArea.slug == ref)
        )
    if scope is FeedScope.KIND:
        return Meeting.kind_id.in_(select(MeetingKind.id).where(MeetingKind.slug == ref))
    if scope is FeedScope.PERSON:
        person_id = int(ref) if is_digits(ref) else -1
        delegate_of = select(Participant.meeting_id).where(Participant.person_id == person_id)
        return or_(Meeting.chair_id == person_id, Meeting.id.in_(delegate_of))
    # An organisation's meetings: it hosts them, sends delegates, invites or is invited.
    org_id = select(Organisation.id).where(Organisation.code == ref).scalar_subquery()
    return or_(
        Meeting.host_organisation_id == org_id,
        Meeting.id.in_(
            select(Participant.meeting_id)
            .join(Person, Person.id == Participant.person_id)
            .where(Person.organisation_id == org_id)
        ),
        Meeting.id.in_(
            select(Invitation.meeting_id).where(
                or_(Invitation.inviter_id == org_id, Invitation.invitee_id == org_id)
            )
        ),
    )
