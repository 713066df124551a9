"""Meetings as calendar events: what a subscriber's calendar shows of each (app.feeds.ical
turns it into bytes)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.agendas.models import AgendaVersion, ItemVisibility
from app.agendas.numbering import number_items
from app.agendas.versions import version_source
from app.feeds import ical
from app.feeds.models import FeedEventVersion
from app.feeds.selection import BUSY
from app.feeds.stamp import calendar_stamp
from app.meetings.models import Access, Meeting, Participant

_CHUNK = 500


def db_fingerprint(version: int, extra: int, salt: str) -> str:
    """What a stored event was built from (the variant is part of the row's key)."""
    return f"{ical.FORMAT_VERSION}.{version}.{extra}.{salt}"


def build_events(
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
            fingerprint = db_fingerprint(meeting.version, extra.version if extra else 0, salt)
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
    """What the calendar shows of a meeting; SEQUENCE and DTSTAMP are app.feeds.stamp's, the
    same as the meeting's iTIP e-mails carry."""
    stamp = (
        calendar_stamp(meeting, extra.version, extra.changed_at)
        if extra is not None
        else calendar_stamp(meeting)
    )
    busy = ical.EventData(
        uid=meeting.uid,
        sequence=stamp.sequence,
        changed_at=stamp.changed_at,
        start=meeting.start_utc,
        end=meeting.end_utc,
        timezone=meeting.timezone,
        status=meeting.status,
        restricted=True,
        private=True,
    )
    if variant == BUSY:
        return busy
    return dataclasses.replace(
        busy,
        restricted=False,
        private=meeting.access is Access.RESTRICTED,
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
            label = gettext("UK delegation") if side == "uk" else gettext("EU delegation")
            lines.append(f"{label}: {names}")
    return tuple(lines)


def _agendas(session: Session, meetings: dict[int, Meeting]) -> dict[int, list[str]]:
    """The agenda headline: top-level items every participant may see, numbered, as the
    latest circulated version has them. Not the draft: it is the editors' work in progress
    (the meeting page shows it to editors only), and one full event serves editors, readers
    and, for a public meeting, the public feed."""
    latest = (
        select(AgendaVersion.meeting_id, func.max(AgendaVersion.number).label("number"))
        .where(AgendaVersion.meeting_id.in_(list(meetings)))
        .group_by(AgendaVersion.meeting_id)
        .subquery()
    )
    versions = session.scalars(
        select(AgendaVersion).join(
            latest,
            (AgendaVersion.meeting_id == latest.c.meeting_id)
            & (AgendaVersion.number == latest.c.number),
        )
    )
    headlines: dict[int, list[str]] = {}
    for version in versions:
        source = version_source(version)
        shared = [row for row in source.items if row.visibility is ItemVisibility.ALL]
        headlines[version.meeting_id] = [
            f"{entry.number}. {entry.item.title}"
            for entry in number_items(shared, None)
            if entry.depth == 0
        ]
    return headlines
