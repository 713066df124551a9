"""Which meetings a feed holds, and which of them a subscriber may read in full.

Both are SQL expressions, so that the feed query returns, per meeting, the cache variant to
join ("full" or "busy") without loading a single meeting object.

Need-to-know (app.meetings.access) holds in feeds as on the pages: a scope (topic,
organisation, person, kind) is evaluated only over the meetings the reader may read, since
a busy block in a "topic:ukraine" feed would tell them that a restricted meeting is about
Ukraine. A restricted meeting they may not read appears as busy time ("Details restricted")
only in their "all" feed and in the feed of the person their own account is linked to (their
own diary). The public feed holds public meetings only.

A feed holds, by default, the meetings that ended within the last year and all later ones
(`window_start`); a subscription may ask for all history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, literal, or_, select, true

from app.auth.models import User
from app.core.validation import is_digits
from app.feeds.models import FeedScope
from app.meetings.access import Reader, readable
from app.meetings.filters import of_kind, of_topic
from app.meetings.involvement import involves_organisation
from app.meetings.models import Access, Meeting, Participant
from app.people.models import Organisation

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


WINDOW = timedelta(days=365)


def window_start(now: datetime) -> datetime:
    """The default window: meetings that end after this (a year before today, at midnight
    UTC, so that the feed's state changes once a day, not every second)."""
    return datetime.combine((now - WINDOW).date(), time(0, 0), tzinfo=UTC)


@dataclass(frozen=True)
class Selection:
    scope: FeedScope
    scope_ref: str
    audience: Audience
    since: datetime | None = None  # meetings ending after this; None: all history

    @property
    def key(self) -> str:
        since = self.since.isoformat() if self.since else "all"
        return f"{self.scope.value}:{self.scope_ref}|{self.audience.key}|{since}"


def scope_filter(selection: Selection) -> ColumnElement[bool]:
    """The meetings the feed holds: its scope over what its reader may read (see above),
    within its window; for the public feed, public meetings only."""
    window = Meeting.end_utc > selection.since if selection.since is not None else true()
    audience = selection.audience
    if audience.public_only:
        return and_(Meeting.access == Access.PUBLIC, window)
    scope = _scope(selection.scope, selection.scope_ref)
    if audience.reader.reads_all or _own_diary(selection):
        return and_(scope, window)
    return and_(scope, readable(audience.reader), window)


def _own_diary(selection: Selection) -> bool:
    """All meetings, or the person the reader's own account is linked to: busy blocks allowed."""
    if selection.scope is FeedScope.ALL:
        return True
    person_id = selection.audience.reader.person_id
    return (
        selection.scope is FeedScope.PERSON
        and person_id is not None
        and is_digits(selection.scope_ref)
        and int(selection.scope_ref) == person_id
    )


def variant_expression(audience: Audience) -> ColumnElement[str]:
    """'full' where the audience may read the meeting, else 'busy' (restricted meetings)."""
    if audience.reader.reads_all:
        return literal(FULL)
    return case((readable(audience.reader), FULL), else_=literal(BUSY))


def _scope(scope: FeedScope, ref: str) -> ColumnElement[bool]:
    if scope is FeedScope.ALL:
        return true()
    # Topic and kind by slug: the one rule the list pages and the API use too.
    if scope is FeedScope.TOPIC:
        return of_topic(ref)
    if scope is FeedScope.KIND:
        return of_kind(ref)
    if scope is FeedScope.PERSON:
        person_id = int(ref) if is_digits(ref) else -1
        delegate_of = select(Participant.meeting_id).where(Participant.person_id == person_id)
        return or_(Meeting.chair_id == person_id, Meeting.id.in_(delegate_of))
    # An organisation's meetings: the one rule the list pages and the API use too.
    return involves_organisation(
        select(Organisation.id).where(Organisation.code == ref).scalar_subquery()
    )
