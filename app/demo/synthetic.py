"""Synthetic meetings in bulk, for benchmarks."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.meetings import catalogue
from app.meetings.models import Access, Marking, Meeting, MeetingKind, MeetingStatus, meeting_topics
from app.topics import services as topics
from app.topics.models import TopicArea

SYNTHETIC_CITIES = (
    ("Brussels", "Europe/Brussels"),
    ("London", "Europe/London"),
    ("Luxembourg", "Europe/Luxembourg"),
    ("Strasbourg", "Europe/Paris"),
)


def seed_synthetic(session: Session, count: int, *, batch: int = 2000) -> int:
    """Bulk-insert `count` plausible meetings for benchmarks (one audit entry for the batch)."""
    catalogue.ensure_default_kinds(session)
    topics.ensure_default_topics(session)
    kinds = list(session.scalars(select(MeetingKind)))
    topic_ids = list(session.scalars(select(TopicArea.id)))
    offset = session.scalar(select(func.count()).select_from(Meeting)) or 0
    rng = random.Random(offset)
    now = datetime.now(UTC)
    origin = now.replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=365)
    for first in range(0, count, batch):
        rows = [
            _synthetic_row(rng, kinds, origin, now, offset + n)
            for n in range(first, min(first + batch, count))
        ]
        ids = list(session.scalars(insert(Meeting).returning(Meeting.id), rows))
        links = [
            {"meeting_id": mid, "topic_id": tid}
            for mid in ids
            for tid in rng.sample(topic_ids, k=min(2, len(topic_ids)))
        ]
        if links:
            session.execute(insert(meeting_topics), links)
    audit.record(
        session,
        None,
        "meeting.synthetic_seeded",
        "meeting",
        None,
        f"{count} synthetic meetings added",
        {"count": count},
    )
    return count


def _synthetic_row(
    rng: random.Random, kinds: list[MeetingKind], origin: datetime, now: datetime, n: int
) -> dict[str, Any]:
    kind = rng.choice(kinds)
    city, zone = rng.choice(SYNTHETIC_CITIES)
    start = origin + timedelta(days=rng.randrange(0, 730), hours=rng.randrange(0, 9))
    return {
        "uid": f"synthetic-{uuid.uuid4()}@entente",
        "title": f"{kind.name} #{n + 1} ({city})",
        "kind_id": kind.id,
        "status": rng.choice(
            [
                MeetingStatus.CONFIRMED,
                MeetingStatus.CONFIRMED,
                MeetingStatus.TENTATIVE,
                MeetingStatus.CANCELLED,
            ]
        ),
        "start_utc": start,
        "end_utc": start + timedelta(minutes=kind.default_duration_minutes),
        "timezone": zone,
        "venue": f"{city} conference centre",
        "host_city": city,
        "marking": Marking.OFFICIAL,
        "access": rng.choice([Access.INTERNAL, Access.INTERNAL, Access.PUBLIC, Access.RESTRICTED]),
        "language": "en",
        "description": "",
        "sequence": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
