"""The agenda as plain data: what a circulated version freezes and what documents render.

A live draft and a frozen version become the same `AgendaSource`, so every export, the
comparison of versions and the change summary work on one shape. `to_json` / `from_json`
round-trip it through the JSON snapshot stored on `AgendaVersion`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from app.agendas.models import AgendaItem, AgendaPaper, ItemVisibility, Purpose, paper_citation
from app.meetings.models import Marking, Meeting

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class PaperRow:
    reference: str
    revision: int
    language: str
    title: str = ""
    visibility: ItemVisibility = ItemVisibility.ALL  # which side may read it, as for items

    @property
    def citation(self) -> str:
        return paper_citation(self.reference, self.revision, self.language)


@dataclass(frozen=True)
class ItemRow:
    id: int
    parent_id: int | None
    position: int
    title: str
    purpose: Purpose | None
    lead: str
    duration_minutes: int | None
    visibility: ItemVisibility
    topic: str = ""
    notes: str = ""
    papers: tuple[PaperRow, ...] = ()
    title_fr: str | None = None


@dataclass(frozen=True)
class MeetingHead:
    meeting_id: int
    title: str
    start_utc: datetime
    end_utc: datetime
    timezone: str
    venue: str
    host_city: str
    marking: Marking
    language: str
    title_fr: str | None = None


@dataclass(frozen=True)
class AgendaSource:
    head: MeetingHead
    items: tuple[ItemRow, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        head = self.head
        return {
            "format": SNAPSHOT_FORMAT,
            "meeting": {
                "id": head.meeting_id,
                "title": head.title,
                "title_fr": head.title_fr,
                "start_utc": head.start_utc.isoformat(),
                "end_utc": head.end_utc.isoformat(),
                "timezone": head.timezone,
                "venue": head.venue,
                "host_city": head.host_city,
                "marking": head.marking.value,
                "language": head.language,
            },
            "items": [
                {
                    "id": row.id,
                    "parent_id": row.parent_id,
                    "position": row.position,
                    "title": row.title,
                    "title_fr": row.title_fr,
                    "purpose": row.purpose.value if row.purpose else None,
                    "lead": row.lead,
                    "duration_minutes": row.duration_minutes,
                    "visibility": row.visibility.value,
                    "topic": row.topic,
                    "notes": row.notes,
                    "papers": [
                        {
                            "reference": p.reference,
                            "revision": p.revision,
                            "language": p.language,
                            "title": p.title,
                            "visibility": p.visibility.value,
                        }
                        for p in row.papers
                    ],
                }
                for row in self.items
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AgendaSource:
        meeting = data["meeting"]
        head = MeetingHead(
            meeting_id=int(meeting["id"]),
            title=meeting["title"],
            start_utc=datetime.fromisoformat(meeting["start_utc"]),
            end_utc=datetime.fromisoformat(meeting["end_utc"]),
            timezone=meeting["timezone"],
            venue=meeting["venue"],
            host_city=meeting["host_city"],
            marking=Marking(meeting["marking"]),
            language=meeting["language"],
            title_fr=meeting.get("title_fr"),  # absent from versions frozen before it existed
        )
        items = tuple(
            ItemRow(
                id=int(row["id"]),
                parent_id=row["parent_id"],
                position=int(row["position"]),
                title=row["title"],
                purpose=Purpose(row["purpose"]) if row["purpose"] else None,
                lead=row["lead"],
                duration_minutes=row["duration_minutes"],
                visibility=ItemVisibility(row["visibility"]),
                topic=row.get("topic", ""),
                notes=row.get("notes", ""),
                papers=tuple(_paper_row(p) for p in row.get("papers", [])),
                title_fr=row.get("title_fr"),
            )
            for row in data["items"]
        )
        return cls(head, items)

    def for_side(self, side: str | None) -> AgendaSource:
        """The same agenda with, under each item, only the papers `side` may read (None: all).
        Items stay: numbering withholds the other side's in place (app.agendas.numbering)."""
        if side is None:
            return self
        rows = tuple(
            replace(row, papers=tuple(p for p in row.papers if paper_visible(p, side)))
            for row in self.items
        )
        return replace(self, items=rows)


def paper_visible(paper: PaperRow | AgendaPaper, side: str | None) -> bool:
    """Whether the paper itself is for `side` (None: the secretariat, who read every paper)."""
    return side is None or paper.visibility in (ItemVisibility.ALL, ItemVisibility(side))


def _paper_row(data: dict[str, Any]) -> PaperRow:
    # Versions frozen before papers had a side recorded none: every paper was for both sides.
    return PaperRow(
        data["reference"],
        int(data["revision"]),
        data["language"],
        data.get("title", ""),
        ItemVisibility(data.get("visibility", ItemVisibility.ALL.value)),
    )


def live_source(meeting: Meeting, items: Sequence[AgendaItem]) -> AgendaSource:
    """The current draft: the meeting as it stands and its items as edited."""
    head = MeetingHead(
        meeting_id=meeting.id,
        title=meeting.title,
        start_utc=meeting.start_utc,
        end_utc=meeting.end_utc,
        timezone=meeting.timezone,
        venue=meeting.venue,
        host_city=meeting.host_city,
        marking=meeting.marking,
        language=meeting.language,
        title_fr=meeting.title_fr,
    )
    rows = tuple(
        ItemRow(
            id=item.id,
            parent_id=item.parent_id,
            position=item.position,
            title=item.title,
            purpose=item.purpose,
            lead=item.lead,
            duration_minutes=item.duration_minutes,
            visibility=item.visibility,
            topic=item.topic.name if item.topic else "",
            notes=item.notes,
            papers=tuple(
                PaperRow(p.reference, p.revision, p.original_language, p.title, p.visibility)
                for p in item.papers
            ),
            title_fr=item.title_fr,
        )
        for item in items
    )
    return AgendaSource(head, rows)
