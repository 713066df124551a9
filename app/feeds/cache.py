"""Serving a feed: join cached VEVENT bytes; rebuild only the events whose meeting changed.

Like Radicale, a calendar is kept as already-serialised events. Each `feed_event_cache` row
holds one meeting's VEVENT for one variant ("full" or "busy") with a fingerprint of what it
was built from: the meeting's `version` (the optimistic-lock counter, raised by every ORM
update), the `feed_event_versions` counter (agenda, topic and delegate changes), the format
version and the base URL. A request reads the meetings in scope with their cached rows in
one query, rebuilds the few whose fingerprint differs, and joins bytes.

The ETag and Last-Modified come from a cheap summary of the whole meetings table (count,
sum of versions, latest change) rather than from the body, so a 304 costs two aggregate
queries. It is conservative: any change anywhere makes every feed's ETag change, which only
costs a client one full download.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from app.agendas.models import AgendaItem, ItemVisibility
from app.agendas.services import numbered
from app.feeds import ical
from app.feeds.models import FeedEventCache, FeedEventVersion
from app.feeds.selection import BUSY, Selection, scope_filter, variant_expression
from app.meetings.models import Meeting, Participant

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CHUNK = 500


@dataclass(frozen=True)
class FeedPlan:
    """What a feed request needs before deciding between 304 and a body."""

    selection: Selection
    name: str
    base_url: str
    refresh_minutes: int
    etag: str  # unquoted, strong
    last_modified: datetime


def plan_feed(
    session: Session, selection: Selection, name: str, base_url: str, refresh_minutes: int
) -> FeedPlan:
    meetings = session.execute(
        select(
            func.count(Meeting.id),
            func.coalesce(func.sum(Meeting.version), 0),
            func.max(Meeting.updated_at),
        )
    ).one()
    extra = session.execute(
        select(
            func.count(FeedEventVersion.meeting_id),
            func.coalesce(func.sum(FeedEventVersion.version), 0),
            func.max(FeedEventVersion.changed_at),
        )
    ).one()
    changed = max(meetings[2] or EPOCH, extra[2] or EPOCH)
    state = "|".join(
        str(part)
        for part in (
            ical.FORMAT_VERSION,
            selection.key,
            name,
            base_url,
            refresh_minutes,
            meetings[0],
            meetings[1],
            extra[0],
            extra[1],
            changed.isoformat(),
        )
    )
    etag = hashlib.sha256(state.encode("utf-8")).hexdigest()[:32]
    return FeedPlan(selection, name, base_url, refresh_minutes, etag, changed)


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    rebuilt: list[dict[str, Any]]  # cache rows to store (see store_events)


def render_feed(session: Session, plan: FeedPlan) -> RenderedFeed:
    """The whole calendar: head, VTIMEZONEs, cached events (stale ones rebuilt), end.

    Reads only: the rebuilt events come back for `store_events`, which the caller runs in a
    write transaction of its own (on SQLite a reader cannot safely turn into a writer)."""
    condition = scope_filter(plan.selection)
    variant = variant_expression(plan.selection.audience)
    rows = session.execute(
        select(
            Meeting.id,
            Meeting.version,
            FeedEventVersion.version,
            variant,
            FeedEventCache.fingerprint,
            FeedEventCache.body,
        )
        .outerjoin(FeedEventVersion, FeedEventVersion.meeting_id == Meeting.id)
        .outerjoin(
            FeedEventCache,
            and_(FeedEventCache.meeting_id == Meeting.id, FeedEventCache.variant == variant),
        )
        .where(condition)
        .order_by(Meeting.start_utc, Meeting.id)
    ).all()
    salt = _salt(plan.base_url)
    bodies: list[bytes] = []
    stale: dict[tuple[int, str], int] = {}
    for meeting_id, version, extra, kind, fingerprint, body in rows:
        wanted = f"{ical.FORMAT_VERSION}.{kind}.{version}.{extra or 0}.{salt}"
        if fingerprint != wanted:
            stale[(meeting_id, kind)] = len(bodies)
            body = wanted.encode()  # placeholder, replaced below
        bodies.append(body)
    rebuilt = _rebuild(session, stale.keys(), plan.base_url, salt) if stale else []
    for row in rebuilt:
        bodies[stale[(row["meeting_id"], row["variant"])]] = row["body"]
    zones = session.execute(
        select(Meeting.timezone, func.min(Meeting.start_utc), func.max(Meeting.end_utc))
        .where(condition)
        .group_by(Meeting.timezone)
        .order_by(Meeting.timezone)
    ).all()
    timezones = [
        ical.vtimezone_bytes(zone, first.year - 1, last.year + 1) for zone, first, last in zones
    ]
    head = ical.calendar_head(plan.name, plan.refresh_minutes)
    return RenderedFeed(b"".join([head, *timezones, *bodies, ical.END_CALENDAR]), rebuilt)


def _rebuild(
    session: Session, wanted: Iterable[tuple[int, str]], base_url: str, salt: str
) -> list[dict[str, Any]]:
    """Serialise the given (meeting, variant) events, as cache rows."""
    pending = sorted(wanted)
    built: list[dict[str, Any]] = []
    for start in range(0, len(pending), _CHUNK):
        chunk = pending[start : start + _CHUNK]
        ids = sorted({meeting_id for meeting_id, _ in chunk})
        meetings = {
            m.id: m
            for m in session.scalars(
                select(Meeting)
                .where(Meeting.id.in_(ids))
                .options(
                    selectinload(Meeting.topics),
                    selectinload(Meeting.participants).joinedload(Participant.person),
                )
            )
        }
        extras = {
            row.meeting_id: row
            for row in session.scalars(
                select(FeedEventVersion).where(FeedEventVersion.meeting_id.in_(ids))
            )
        }
        agendas = _agendas(session, meetings)
        for meeting_id, kind in chunk:
            meeting = meetings[meeting_id]
            extra = extras.get(meeting_id)
            data = event_data(meeting, kind, extra, agendas.get(meeting_id, ()), base_url)
            body = ical.event_bytes(data)
            fingerprint = (
                f"{ical.FORMAT_VERSION}.{kind}.{meeting.version}."
                f"{extra.version if extra else 0}.{salt}"
            )
            built.append(
                {
                    "meeting_id": meeting_id,
                    "variant": kind,
                    "fingerprint": fingerprint,
                    "body": body,
                }
            )
    return built


def event_data(
    meeting: Meeting,
    variant: str,
    extra: FeedEventVersion | None,
    agenda: Sequence[str],
    base_url: str,
) -> ical.EventData:
    """What the calendar shows of a meeting; SEQUENCE and DTSTAMP also count agenda,
    topic and delegate changes, which do not touch the meeting row."""
    changed = meeting.updated_at
    sequence = meeting.sequence
    if extra is not None:
        changed = max(changed, extra.changed_at)
        sequence += extra.version
    busy = ical.EventData(
        uid=meeting.uid,
        sequence=sequence,
        changed_at=changed,
        start=meeting.start_utc,
        end=meeting.end_utc,
        timezone=meeting.timezone,
        status=meeting.status,
        restricted=True,
    )
    if variant == BUSY:
        return busy
    return dataclasses.replace(
        busy,
        restricted=False,
        title=meeting.title,
        location=", ".join(part for part in (meeting.venue, meeting.host_city) if part),
        description=meeting.description,
        topics=tuple(topic.name for topic in meeting.topics),
        delegation=_delegation(meeting),
        agenda=tuple(agenda),
        url=f"{base_url.rstrip('/')}/meetings/{meeting.id}",
    )


def _delegation(meeting: Meeting) -> tuple[str, ...]:
    lines = []
    for side in ("uk", "eu"):
        members = sorted(
            (p for p in meeting.participants if p.side.value == side),
            key=lambda p: p.protocol_order,
        )
        if members:
            names = "; ".join(
                f"{p.person.display_name} ({p.person.position})"
                if p.person.position
                else p.person.display_name
                for p in members
            )
            lines.append(f"{side.upper()} delegation: {names}")
    return tuple(lines)


def _agendas(session: Session, meetings: dict[int, Meeting]) -> dict[int, list[str]]:
    """The agenda headline: top-level items every participant may see, numbered."""
    items: dict[int, list[AgendaItem]] = {}
    for item in session.scalars(
        select(AgendaItem).where(
            AgendaItem.meeting_id.in_(list(meetings)),
            AgendaItem.visibility == ItemVisibility.ALL,
        )
    ):
        items.setdefault(item.meeting_id, []).append(item)
    return {
        meeting_id: [
            f"{entry.number}. {entry.item.title}"
            for entry in numbered(meetings[meeting_id], group)
            if entry.depth == 0
        ]
        for meeting_id, group in items.items()
    }


def store_events(session: Session, rows: list[dict[str, Any]]) -> None:
    """Upsert rebuilt events into the cache (a concurrent request may store them too)."""
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


def _salt(base_url: str) -> str:
    return hashlib.sha256(base_url.encode("utf-8")).hexdigest()[:8]
