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

The ETag is a hash of the body itself (strong): it changes exactly when the body changes, and
two app instances on one database give the same ETag for the same body. To keep that cheap,
each process remembers joined calendars by a "state key" built from everything that decides
the body: the head's parameters, the selection (scope, audience, window) and, per meeting the
feed holds, its id, uid, variant, version and feed version (the small columns the feed query reads
anyway). A 304 costs that query and a dictionary lookup. Last-Modified is kept per feed in
`feed_states` (app.feeds.state).

The memory is per app (`app.extensions["entente.feed_memory"]`), so that two apps in one
process behave like two workers.
"""

from __future__ import annotations

import hashlib
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.orm import Session

from app.core.upsert import dialect_insert
from app.feeds import ical
from app.feeds.events import build_events, db_fingerprint
from app.feeds.models import FeedEventCache, FeedEventVersion, FeedScope
from app.feeds.selection import Selection, scope_filter, variant_expression
from app.invitations.models import Invitation
from app.meetings.models import Meeting, MeetingKind, Participant
from app.people.models import Organisation
from app.topics.models import TopicArea

_MEMORY_LIMIT = 200_000  # events per process (about 600 bytes each)
_BODY_MEMO_BYTES = 64 * 1024 * 1024
_QUICK_LIMIT = 10_000  # quick keys per process
# The years a VTIMEZONE may cover: what dates a meeting may take (legacy rows outside it still
# serve; the zone's yearly rule runs on past the last year).
FIRST_YEAR, LAST_YEAR = 1900, 2200

# (uid, version, feed version), VEVENT bytes
_Event = tuple[tuple[str, int, int], bytes]


class FeedMemory:
    """One process's (one app's) memory: events by (salt, meeting, variant), and whole
    calendars by state key → (etag, body)."""

    def __init__(self) -> None:
        self.events: dict[str, dict[tuple[int, str], _Event]] = {}
        self.bodies: OrderedDict[str, tuple[str, bytes]] = OrderedDict()
        # quick key (feed, database-wide change summary) → state key: see `_quick_key`
        self.quick: dict[str, str] = {}
        _all_memories.add(self)

    def clear(self) -> None:
        self.events.clear()
        self.bodies.clear()
        self.quick.clear()

    def remember(self, state_key: str, etag: str, body: bytes) -> None:
        if len(body) > _BODY_MEMO_BYTES // 4:
            return
        self.bodies[state_key] = (etag, body)
        total = sum(len(kept) for _etag, kept in self.bodies.values())
        while total > _BODY_MEMO_BYTES and len(self.bodies) > 1:
            _key, (_etag, dropped) = self.bodies.popitem(last=False)
            total -= len(dropped)


_all_memories: weakref.WeakSet[FeedMemory] = weakref.WeakSet()
_default_memory = FeedMemory()


@dataclass(frozen=True)
class FeedPlan:
    """What decides a feed's body, and which `feed_states` row keeps its Last-Modified."""

    selection: Selection
    name: str
    base_url: str
    refresh_minutes: int
    home_zone: str  # its VTIMEZONE alone makes an empty feed valid (RFC 5545: 1*component)
    feed_key: str  # "public" or "subscription:<id>"
    language: str = "en"  # of the fixed texts ("Details restricted", "Cancelled: ")


@dataclass(frozen=True)
class RenderedFeed:
    etag: str  # unquoted, strong: a hash of the body
    body: bytes
    rebuilt: list[dict[str, Any]]  # cache rows to store (see store_events)


def plan_feed(
    selection: Selection,
    name: str,
    base_url: str,
    refresh_minutes: int,
    home_zone: str,
    feed_key: str,
    language: str = "en",
) -> FeedPlan:
    return FeedPlan(selection, name, base_url, refresh_minutes, home_zone, feed_key, language)


def render_feed(session: Session, plan: FeedPlan, memory: FeedMemory | None = None) -> RenderedFeed:
    """The whole calendar and its ETag: from memory when nothing that decides it changed,
    else head, VTIMEZONEs, cached events (stale ones rebuilt), end.

    Reads only: the rebuilt events come back for `store_events`, which the caller runs in a
    write transaction of its own (on SQLite a reader cannot safely turn into a writer)."""
    with force_locale(plan.language):
        return _render_feed(session, plan, memory)


def _render_feed(session: Session, plan: FeedPlan, memory: FeedMemory | None) -> RenderedFeed:
    memory = memory or _default_memory
    quick_key = _quick_key(session, plan)  # read before the rows: see `_quick_key`
    memo = memory.bodies.get(memory.quick.get(quick_key, ""))
    if memo is not None:
        return RenderedFeed(memo[0], memo[1], [])
    rows = _rows(session, plan)
    state_key = _state_key(plan, rows)
    if len(memory.quick) > _QUICK_LIMIT:
        memory.quick.clear()
    memory.quick[quick_key] = state_key
    memo = memory.bodies.get(state_key)
    if memo is not None:
        memory.bodies.move_to_end(state_key)
        return RenderedFeed(memo[0], memo[1], [])
    body, rebuilt = _join(session, plan, rows, memory)
    etag = hashlib.sha256(body).hexdigest()[:32]
    memory.remember(state_key, etag, body)
    return RenderedFeed(etag, body, rebuilt)


def _quick_key(session: Session, plan: FeedPlan) -> str:
    """The feed and a summary of every table its rows depend on, in one round trip of index
    reads: while it is unchanged, so is the state key, and the scoped query is skipped.

    Any update of a meeting raises its `version` (so the sum), a new one the count; feed
    versions rise with agenda, topic, delegate, invitation and access changes (app.feeds
    .invalidation); counts of delegates and invitations, and the id the scope's slug or code
    names now, cover membership. Read before the rows, so a change committed in between
    makes the stored mapping newer than its key, never older. The stateful test
    (tests/feeds/test_feed_state_machine.py) serves every feed through this path."""
    row = session.execute(
        select(
            *_summary(Meeting.version, Meeting.updated_at, Meeting),
            *_summary(FeedEventVersion.version, FeedEventVersion.changed_at, FeedEventVersion),
            select(func.count()).select_from(Participant).scalar_subquery(),
            select(func.count()).select_from(Invitation).scalar_subquery(),
            _scope_target(plan.selection),
        )
    ).one()
    head = (ical.FORMAT_VERSION, plan.selection.key, plan.name, plan.base_url, plan.language)
    return repr((*head, plan.refresh_minutes, plan.home_zone, *row))


def _summary(version: Any, changed: Any, table: Any) -> list[Any]:
    return [
        select(func.count()).select_from(table).scalar_subquery(),
        select(func.coalesce(func.sum(version), 0)).scalar_subquery(),
        select(func.max(changed)).scalar_subquery(),
    ]


def _scope_target(selection: Selection) -> ColumnElement[Any]:
    """The row a slug or code scope names now (a rename moves a feed's meetings)."""
    ref = selection.scope_ref
    if selection.scope is FeedScope.TOPIC:
        return select(TopicArea.id).where(TopicArea.slug == ref).scalar_subquery()
    if selection.scope is FeedScope.KIND:
        return select(MeetingKind.id).where(MeetingKind.slug == ref).scalar_subquery()
    if selection.scope is FeedScope.ORGANISATION:
        return select(Organisation.id).where(Organisation.code == ref).scalar_subquery()
    return literal(None)


def _rows(session: Session, plan: FeedPlan) -> list[tuple[Any, ...]]:
    # The one query every request makes, growing with the feed: small columns only, Core
    # execution, then the driver's own tuples (no Row objects; every column an int or str).
    statement = (
        select(
            Meeting.id,
            Meeting.uid,
            Meeting.version,
            FeedEventVersion.version,
            variant_expression(plan.selection.audience),
        )
        .outerjoin(FeedEventVersion, FeedEventVersion.meeting_id == Meeting.id)
        .where(scope_filter(plan.selection))
        .order_by(Meeting.id)
    )
    result = session.connection().execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _zones(session: Session, plan: FeedPlan) -> dict[str, tuple[int, int]]:
    """The zones of the feed's own meetings and the years they take (only when joining: a
    zone or a time changes the meeting's version, hence the state key)."""
    statement = (
        select(Meeting.timezone, func.min(Meeting.start_utc), func.max(Meeting.end_utc))
        .where(scope_filter(plan.selection))
        .group_by(Meeting.timezone)
    )
    return {zone: (first.year, last.year) for zone, first, last in session.execute(statement)}


def _state_key(plan: FeedPlan, rows: list[tuple[Any, ...]]) -> str:
    """Everything that decides the body (see the module docstring), hashed."""
    digest = hashlib.sha256()
    head = (ical.FORMAT_VERSION, plan.selection.key, plan.name, plan.base_url, plan.language)
    digest.update(repr((*head, plan.refresh_minutes, plan.home_zone)).encode("utf-8"))
    for meeting_id, uid, version, extra, variant in rows:
        # the uid too: an id may be used again after a delete (SQLite), with version 1 again
        digest.update(f"|{meeting_id}.{uid}.{variant}.{version}.{extra or 0}".encode())
    return digest.hexdigest()


def _join(
    session: Session, plan: FeedPlan, rows: list[tuple[Any, ...]], memory: FeedMemory
) -> tuple[bytes, list[dict[str, Any]]]:
    salt = _salt(plan.base_url, plan.language)
    events = memory.events.setdefault(salt, {})
    if len(events) > _MEMORY_LIMIT:
        events.clear()
    bodies: list[bytes] = []
    missing: dict[tuple[int, str], tuple[int, int, int]] = {}  # key → (index, version, extra)
    for meeting_id, uid, version, extra, kind in rows:
        stamp = (uid, version, extra or 0)
        hit = events.get((meeting_id, kind))
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
            events[key] = ((uids[key[0]], version, extra), body)
    head = ical.calendar_head(plan.name, plan.refresh_minutes)
    spans = _zones(session, plan) if rows else {}
    zones = set(spans) or {plan.home_zone}
    span = _years({year for pair in spans.values() for year in pair})
    return b"".join([head, *_timezones(zones, span), *bodies, ical.END_CALENDAR]), rebuilt


def _years(years: set[int]) -> tuple[int, int]:
    """The years the feed's own meetings take, a year either side, within what a VTIMEZONE
    may cover (a stored meeting in year 9999 or 1 must not take the feed down)."""
    if not years:
        return (1969, 1971)  # fixed, so that an empty feed's body never depends on the date
    first = min(max(min(years) - 1, FIRST_YEAR), LAST_YEAR)
    last = max(min(max(years) + 1, LAST_YEAR), first)
    return first, last


def store_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Upsert rebuilt events into the cache table (a concurrent request may store them too)."""
    if not rows:
        return
    statement = dialect_insert(session, FeedEventCache)
    statement = statement.on_conflict_do_update(
        index_elements=["meeting_id", "variant"],
        set_={"fingerprint": statement.excluded.fingerprint, "body": statement.excluded.body},
    )
    session.execute(statement, rows)


def forget_memory() -> None:
    """Empty every app's memory in this process (tests, the benchmark); the table stays."""
    for memory in list(_all_memories):
        memory.clear()


def forget_joined() -> None:
    """Drop the joined calendars only (the benchmark times joining)."""
    for memory in list(_all_memories):
        memory.bodies.clear()
        memory.quick.clear()


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


def _salt(base_url: str, language: str) -> str:
    """Events differ by base URL (links) and language (fixed texts); English keeps the salt
    it had before there were languages, so existing cache rows stay valid."""
    seed = base_url if language == "en" else f"{base_url}|{language}"
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:8]
