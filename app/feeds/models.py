from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.db import Base, UTCDateTime, enum_column, utcnow
from app.meetings.models import Meeting


class FeedScope(enum.StrEnum):
    ALL = "all"
    TOPIC = "topic"
    ORGANISATION = "organisation"
    PERSON = "person"
    KIND = "kind"


class FeedSubscription(Base):
    """A private calendar URL; only the token's hash is stored."""

    __tablename__ = "feed_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scope: Mapped[FeedScope] = mapped_column(enum_column(FeedScope, "feed_scope"))
    # Slug, code or id that the scope points at; empty for "all".
    scope_ref: Mapped[str] = mapped_column(String(100), default="")
    label: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # False: the feed holds meetings that ended within the last year and all later ones
    # (app.feeds.selection.window_start); True: every meeting, however old.
    all_history: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship()


class FeedEventCache(Base):
    """One meeting's serialised VEVENT, as a subscriber sees it (full, or a busy block).

    A feed request joins these bytes; a row is rebuilt only when its fingerprint no longer
    matches the meeting (its `version`, the dependency version below, the format, base URL).
    """

    __tablename__ = "feed_event_cache"
    __table_args__ = (CheckConstraint("variant IN ('full', 'busy')", name="variant"),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    variant: Mapped[str] = mapped_column(String(8), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(100))
    body: Mapped[bytes] = mapped_column(LargeBinary)


class FeedEventVersion(Base):
    """Changes a meeting's row does not show: its agenda, a topic renamed, a delegate renamed.

    Bumped in the same transaction as the change (see app.feeds.invalidation); the counter
    only rises, so it feeds both the cache fingerprint and the calendar SEQUENCE.
    """

    __tablename__ = "feed_event_versions"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedState(Base):
    """The ETag a feed was last served with and since when: its Last-Modified.

    One row per feed ("public", or "subscription:<id>"): Last-Modified is per subscription, as
    a change of its owner's role changes its body without any meeting changing. When a served
    body's ETag differs from the stored one, the row moves to the new ETag with a
    Last-Modified at least a second later (app.feeds.state), so If-Modified-Since never
    answers 304 to a body the client has not seen.
    """

    __tablename__ = "feed_states"

    feed_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    etag: Mapped[str] = mapped_column(String(64))
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime)


# Once the feed ETag's whole-table summary (count, sum of versions, latest change); feeds no
# longer read it (their ETag hashes the body); left in place, unused by the feeds.
Index("ix_meetings_feed_state", Meeting.updated_at, Meeting.version)
