"""Serving a feed: join already-serialised VEVENTs; rebuild only the events that changed.

Like Radicale, a calendar is kept as serialised events, in two tiers:

- `feed_event_cache` (database, shared by every worker and surviving restarts): one row per
  meeting and variant ("full" or "busy") with the bytes and a fingerprint of what they were
  built from: the meeting's `version` (its optimistic-lock counter, raised by every update),
  the `feed_event_versions` counter (agenda, topic and delegate changes), the format version
  and the base URL.
- a per-process dictionary of the same bytes, keyed by meeting and variant and checked
  against (uid, version, feed version), so that a request reads only small columns.

A request reads the meetings in scope with those small columns in one query, takes each
event from memory, falls back to the table for the few it lacks, rebuilds the rest
(app.feeds.events) and joins bytes.

The ETag and Last-Modified come from a cheap summary of the whole meetings table (count,
sum of versions, latest change; one scan of a small covering index) rather than from the
body, so a 304 costs a few index reads. It is conservative: any change anywhere changes
every feed's ETag, which costs a client one full download.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.feeds import ical
from app.feeds.events import build_events, db_fingerprint
from app.feeds.models import FeedEventCache, FeedEventVersion
from app.feeds.selection import Selection, scope_filter, variant_expression
from app.meetings.models import Meeting

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MEMORY_LIMIT = 200_000  # events per process (about 600 bytes each)
# salt (base URL) → (meeting id, variant) → ((uid, version, feed version), VEVENT bytes)
_memory: dict[str, dict[tuple[int, str], tuple[tuple[str, int, int], bytes]]] = {}
# Whole calendars recently joined, by ETag (which names the feed and the state it shows), so
# that a feed fetched again before anything changes is not even joined again.
_BODY_MEMO_BYTES = 64 * 1024 * 1024
_bodies: OrderedDict[str, bytes] = OrderedDict()


def _summary(version: Any, changed: Any, table: Any) -> list[Any]:
    return [
        select(func.count()).select_from(table).scalar_subquery(),
        select(func.coalesce(func.sum(version), 0)).scalar_subquery(),
        select(func.max(changed)).scalar_subquery(),
    ]


# Count, sum of versions and latest change of meetings and of feed versions: the ETag state.
# Plus the first and last meeting start (index reads), for the VTIMEZONEs' years.
_SUMMARY = select(
    *_summary(Meeting.version, Meeting.updated_at, Meeting),
    *_summary(FeedEventVersion.version, FeedEventVersion.changed_at, FeedEventVersion),
    select(func.min(Meeting.start_utc)).scalar_subquery(),
    select(func.max(Meeting.start_utc)).scalar_subquery(),
)


@dataclass(frozen=True)
class FeedPlan:
    """What a feed request needs before deciding between 304 and a body."""

    selection: Selection
    name: str
    base_url: str
    refresh_minutes: int
    etag: str  # unquoted, strong
    last_modified: datetime
    years: tuple[int, int]  # first and last year the VTIMEZONEs cover
    home_zone: str  # its VTIMEZONE alone makes an empty feed valid (RFC 5545: 1*component)


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    rebuilt: list[dict[str, Any]]  # cache rows to store (see store_events)


def plan_feed(
    session: Session,
    selection: Selection,
    name: str,
    base_url: str,
    refresh_minutes: int,
    home_zone: str,
) -> FeedPlan:
    row = session.execute(_SUMMARY).one()  # one round trip, small index scans
    meetings_state, extra_state = row[:3], row[3:6]
    years = ((row[6] or EPOCH).year - 1, (row[7] or EPOCH).year + 1)
    changed = max(meetings_state[2] or EPOCH, extra_state[2] or EPOCH)
    parts = (ical.FORMAT_VERSION, selection.key, name, base_url, refresh_minutes, home_zone)
    counts = (*meetings_state[:2], *extra_state[:2])
    state = "|".join(str(part) for part in (*parts, *counts, changed))
    etag = hashlib.sha256(state.encode("utf-8")).hexdigest()[:32]
    return FeedPlan(selection, name, base_url, refresh_minutes, etag, changed, years, home_zone)


def render_feed(session: Session, plan: FeedPlan) -> RenderedFeed:
    """The whole calendar: head, VTIMEZONEs, cached events (stale ones rebuilt), end.

    Reads only: the rebuilt events come back for `store_events`, which the caller runs in a
    write transaction of its own (on SQLite a reader cannot safely turn into a writer)."""
    memo = _bodies.get(plan.etag)
    if memo is not None:
        _bodies.move_to_end(plan.etag)
        return RenderedFeed(memo, [])
    rendered = _join(session, plan)
    _remember(plan.etag, rendered.body)
    return rendered


def _join(session: Session, plan: FeedPlan) -> RenderedFeed:
    # The one query that grows with the feed: Core execution, then the driver's own tuples
    # (no Row objects; every column is a plain int or str).
    statement = (
        select(
            Meeting.id,
            Meeting.uid,
            Meeting.version,
            FeedEventVersion.version,
            variant_expression(plan.selection.audience),
            Meeting.timezone,
        )
        .outerjoin(FeedEventVersion, FeedEventVersion.meeting_id == Meeting.id)
        .where(scope_filter(plan.selection))
        .order_by(Meeting.id)
    )
    result = session.connection().execute(statement)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    salt = _salt(plan.base_url)
    memory = _memory.setdefault(salt, {})
    if len(memory) > _MEMORY_LIMIT:
        memory.clear()
    bodies: list[bytes] = []
    missing: dict[tuple[int, str], tuple[int, int, int]] = {}  # key → (index, version, extra)
    zones: set[str] = set()
    for meeting_id, uid, version, extra, kind, zone in rows:
        zones.add(zone)
        stamp = (uid, version, extra or 0)
        hit = memory.get((meeting_id, kind))
        if hit is not None and hit[0] == stamp:
            bodies.append(hit[1])
        else:
            missing[(meeting_id, kind)] = (len(bodies), version, extra or 0)
            bodies.append(b"")
    rebuilt: list[dict[str, Any]] = []
    if missing:
        found = _from_table(session, missing, salt)
        rebuilt = build_events(session, missing.keys() - found.keys(), plan.base_url, salt)
        found.update({(row["meeting_id"], row["variant"]): row["body"] for row in rebuilt})
        uids = {meeting_id: uid for meeting_id, uid, *_ in rows}
        for key, body in found.items():
            index, version, extra = missing[key]
            bodies[index] = body
            memory[key] = ((uids[key[0]], version, extra), body)
    head = ical.calendar_head(plan.name, plan.refresh_minutes)
    zones = zones or {plan.home_zone}
    return RenderedFeed(
        b"".join([head, *_timezones(zones, plan.years), *bodies, ical.END_CALENDAR]), rebuilt
    )


def store_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Upsert rebuilt events into the cache table (a concurrent request may store them too)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(FeedEventCache.__table__)  # type: ignore[arg-type]
    statement = statement.on_conflict_do_update(
        index_elements=["meeting_id", "variant"],
        set_={"fingerprint": statement.excluded.fingerprint, "body": statement.excluded.body},
    )
    session.execute(statement, rows)


def forget_memory() -> None:
    """Empty this process's memory (tests, the benchmark); the table tier stays."""
    _memory.clear()
    _bodies.clear()


def forget_joined() -> None:
    """Drop the joined calendars only (the benchmark times joining)."""
    _bodies.clear()


def _remember(etag: str, body: bytes) -> None:
    if len(body) > _BODY_MEMO_BYTES // 4:
        return
    _bodies[etag] = body
    total = sum(len(kept) for kept in _bodies.values())
    while total > _BODY_MEMO_BYTES and len(_bodies) > 1:
        _etag, dropped = _bodies.popitem(last=False)
        total -= len(dropped)


def _from_table(
    session: Session, missing: dict[tuple[int, str], tuple[int, int, int]], salt: str
) -> dict[tuple[int, str], bytes]:
    """Events the table holds with the right fingerprint."""
    found: dict[tuple[int, str], bytes] = {}
    ids = sorted({meeting_id for meeting_id, _ in missing})
    for start in range(0, len(ids), 500):
        for meeting_id, variant, fingerprint, body in session.execute(
            select(
                FeedEventCache.meeting_id,
                FeedEventCache.variant,
                FeedEventCache.fingerprint,
                FeedEventCache.body,
            ).where(FeedEventCache.meeting_id.in_(ids[start : start + 500]))
        ):
            wanted = missing.get((meeting_id, variant))
            if wanted is not None and fingerprint == db_fingerprint(wanted[1], wanted[2], salt):
                found[(meeting_id, variant)] = body
    return found


def _timezones(zones: set[str], years: tuple[int, int]) -> list[bytes]:
    """A VTIMEZONE per zone used, covering every meeting's year."""
    return [ical.vtimezone_bytes(zone, *years) for zone in sorted(zones)]


def _salt(base_url: str) -> str:
    return hashlib.sha256(base_url.encode("utf-8")).hexdigest()[:8]
