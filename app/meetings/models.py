from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, UTCDateTime, enum_column, utcnow
from app.people.models import Person, Side
from app.topics.models import TopicArea


class MeetingStatus(enum.StrEnum):
    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


# Allowed status changes; cancelled is final (a new meeting is planned instead).
MEETING_TRANSITIONS: dict[MeetingStatus, frozenset[MeetingStatus]] = {
    MeetingStatus.TENTATIVE: frozenset(
        {MeetingStatus.CONFIRMED, MeetingStatus.POSTPONED, MeetingStatus.CANCELLED}
    ),
    MeetingStatus.CONFIRMED: frozenset(
        {MeetingStatus.TENTATIVE, MeetingStatus.POSTPONED, MeetingStatus.CANCELLED}
    ),
    MeetingStatus.POSTPONED: frozenset(
        {MeetingStatus.TENTATIVE, MeetingStatus.CONFIRMED, MeetingStatus.CANCELLED}
    ),
    MeetingStatus.CANCELLED: frozenset(),
}


class Marking(enum.StrEnum):
    """Handling marking printed on every page of a meeting's documents."""

    PUBLIC = "PUBLIC"
    OFFICIAL = "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
    LIMITE = "LIMITE"


class Access(enum.StrEnum):
    """Who may read a meeting's details: anyone, any signed-in user, or a need-to-know group."""

    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"


class DelegateRole(enum.StrEnum):
    PRINCIPAL = "principal"
    DEPUTY = "deputy"
    ADVISER = "adviser"
    NOTE_TAKER = "note_taker"


class Attendance(enum.StrEnum):
    WHOLE = "whole"
    ITEMS = "items"
    LUNCH = "lunch"


meeting_topics = Table(
    "meeting_topics",
    Base.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic_areas.id", ondelete="RESTRICT"), primary_key=True),
)


class MeetingKind(Base):
    __tablename__ = "meeting_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    is_eu_internal: Mapped[bool] = mapped_column(default=False)
    default_duration_minutes: Mapped[int] = mapped_column(default=180)


class MeetingSeries(Base):
    """Rounds of one format, e.g. the strategic consultations every six months."""

    __tablename__ = "meeting_series"
    __table_args__ = (
        CheckConstraint(
            "cadence_months IS NULL OR cadence_months IN (1, 2, 3, 4, 6, 12)", name="cadence"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind_id: Mapped[int] = mapped_column(ForeignKey("meeting_kinds.id"))
    cadence_months: Mapped[int | None]
    # Comma-separated host cities in rotation order, e.g. "London,Brussels".
    host_rotation: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)

    kind: Mapped[MeetingKind] = relationship()
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="series", order_by="Meeting.start_utc"
    )

    @property
    def hosts(self) -> list[str]:
        return [city.strip() for city in self.host_rotation.split(",") if city.strip()]


def new_uid() -> str:
    return f"{uuid.uuid4()}@entente"


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint("end_utc > start_utc", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        Index("ix_meetings_start_end", "start_utc", "end_utc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(255), unique=True, default=new_uid)
    title: Mapped[str] = mapped_column(String(300))
    title_fr: Mapped[str | None] = mapped_column(String(300))
    kind_id: Mapped[int] = mapped_column(ForeignKey("meeting_kinds.id"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_series.id"), index=True)
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, "meeting_status"), default=MeetingStatus.TENTATIVE, index=True
    )
    start_utc: Mapped[datetime] = mapped_column(UTCDateTime)
    end_utc: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    venue: Mapped[str] = mapped_column(String(300), default="")
    host_city: Mapped[str] = mapped_column(String(120), default="")
    host_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    marking: Mapped[Marking] = mapped_column(
        enum_column(Marking, "marking"), default=Marking.OFFICIAL
    )
    access: Mapped[Access] = mapped_column(enum_column(Access, "access"), default=Access.INTERNAL)
    language: Mapped[str] = mapped_column(String(8), default="en")
    description: Mapped[str] = mapped_column(Text, default="")
    # The half-year ("2026-H1") a consultation was planned for; moving it out is flagged.
    planned_half: Mapped[str | None] = mapped_column(String(7))
    # RFC 5545 SEQUENCE: rises with every change a calendar would show.
    sequence: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}

    kind: Mapped[MeetingKind] = relationship(lazy="joined")
    series: Mapped[MeetingSeries | None] = relationship(back_populates="meetings")
    chair: Mapped[Person | None] = relationship()
    topics: Mapped[list[TopicArea]] = relationship(
        secondary=meeting_topics, order_by=TopicArea.name
    )
    participants: Mapped[list[Participant]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        order_by="(Participant.side, Participant.protocol_order)",
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status is MeetingStatus.CANCELLED


class Participant(Base):
    """A member of one side's delegation, in protocol order."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id"),
        UniqueConstraint("meeting_id", "side", "protocol_order"),
        CheckConstraint("protocol_order >= 1", name="protocol_order_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    side: Mapped[Side] = mapped_column(enum_column(Side, "side"))
    protocol_order: Mapped[int]
    role: Mapped[DelegateRole] = mapped_column(
        enum_column(DelegateRole, "delegate_role"), default=DelegateRole.ADVISER
    )
    attendance: Mapped[Attendance] = mapped_column(
        enum_column(Attendance, "attendance"), default=Attendance.WHOLE
    )

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship(lazy="joined")


class UnavailableDate(Base):
    """A day the secretariat cannot hold meetings (holidays, other commitments)."""

    __tablename__ = "unavailable_dates"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
