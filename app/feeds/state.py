"""Last-Modified of a feed: when its body (its ETag) last changed, kept per feed.

A feed's ETag hashes its body (app.feeds.cache), so it moves exactly when the body does, for
whatever reason: a meeting edited, an invitation sent, the owner's role changed. The
Last-Modified must move with it, and If-Modified-Since has a resolution of one second, so on
every change it becomes max(now to the second, the stored value + 1 s): it rises with every
ETag change, even two within a second, and a client holding an older copy never gets a 304.

The write is a conditional update (or an insert that yields to a concurrent one), so two
workers serving the same new body agree on one Last-Modified; callers run it in a short
write transaction of its own, as they do `store_events`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core import clock
from app.core.upsert import dialect_insert
from app.feeds.models import FeedState

_SECOND = timedelta(seconds=1)


def stored(session: Session, feed_key: str) -> tuple[str, datetime] | None:
    """The feed's stored (etag, last_modified), if it was ever served."""
    row = session.execute(
        select(FeedState.etag, FeedState.last_modified).where(FeedState.feed_key == feed_key)
    ).one_or_none()
    return (row[0], row[1]) if row is not None else None


def last_modified(session: Session, feed_key: str, etag: str) -> datetime | None:
    """The Last-Modified of the body with this ETag, or None when it must be recorded."""
    current = stored(session, feed_key)
    if current is not None and current[0] == etag:
        return current[1]
    return None


def record(session: Session, feed_key: str, etag: str) -> datetime:
    """Move the feed to `etag` (if it is not there yet); returns its Last-Modified."""
    for _attempt in range(3):
        current = stored(session, feed_key)
        if current is not None and current[0] == etag:
            return current[1]
        now = clock.now().replace(microsecond=0)
        if current is None:
            statement = dialect_insert(session, FeedState).values(
                feed_key=feed_key, etag=etag, last_modified=now
            )
            session.execute(statement.on_conflict_do_nothing(index_elements=["feed_key"]))
            continue
        stamp = max(now, current[1] + _SECOND)
        session.execute(
            update(FeedState)
            .where(
                FeedState.feed_key == feed_key,
                FeedState.etag == current[0],
                FeedState.last_modified == current[1],
            )
            .values(etag=etag, last_modified=stamp)
            .execution_options(synchronize_session=False)
        )
    current = stored(session, feed_key)
    assert current is not None
    return current[1]
