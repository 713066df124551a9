from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from app.core.db import Base, UTCDateTime, enum_column, utcnow
from app.meetings.models import Marking
from app.people.models import Person
from app.topics.models import TopicArea


class Purpose(enum.StrEnum):
    DECISION = "decision"
    DISCUSSION = "discussion"
    INFORMATION = "information"


class ItemVisibility(enum.StrEnum):
    """Which side's participants see an agenda item."""

    ALL = "all"
    UK = "uk"
    EU = "eu"


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint(
            "duration_minutes IS NULL OR duration_minutes BETWEEN 0 AND 1440", name="duration"
        ),
        CheckConstraint("position >= 1", name="position_positive"),
        Index("ix_agenda_items_meeting_parent_position", "meeting_id", "parent_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    title_fr: Mapped[str | None] = mapped_column(String(500))
    purpose: Mapped[Purpose | None] = mapped_column(enum_column(Purpose, "purpose"))
    lead_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    lead_text: Mapped[str] = mapped_column(String(200), default="")
    duration_minutes: Mapped[int | None]
    visibility: Mapped[ItemVisibility] = mapped_column(
        enum_column(ItemVisibility, "item_visibility"), default=ItemVisibility.ALL
    )
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic_areas.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    # Recorded after the meeting; not part of the circulated agenda.
    outcome: Mapped[str] = mapped_column(Text, default="")

    parent: Mapped[AgendaItem | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[AgendaItem]] = relationship(
        back_populates="parent", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    lead_person: Mapped[Person | None] = relationship()
    topic: Mapped[TopicArea | None] = relationship()
    papers: Mapped[list[AgendaPaper]] = relationship(
        back_populates="item", order_by="AgendaPaper.position", cascade="all, delete-orphan"
    )
    actions: Mapped[list[FollowUpAction]] = relationship(
        back_populates="item",
        order_by="FollowUpAction.id",
        cascade="all, delete-orphan",
        foreign_keys="FollowUpAction.item_id",
    )

    @property
    def lead(self) -> str:
        if self.lead_person is not None:
            return self.lead_person.display_name
        return self.lead_text


class AgendaPaper(Base):
    """A meeting paper tabled under an item, cited as `ENT 12/26 REV 1 (OR. en)`."""

    __tablename__ = "agenda_papers"
    __table_args__ = (
        CheckConstraint("revision >= 0", name="revision_not_negative"),
        CheckConstraint("position >= 1", name="position_positive"),
        UniqueConstraint("item_id", "reference", "revision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    reference: Mapped[str] = mapped_column(String(60))
    revision: Mapped[int] = mapped_column(default=0)
    original_language: Mapped[str] = mapped_column(String(8), default="en")
    title: Mapped[str] = mapped_column(String(300), default="")
    # Handling marking of the paper itself (a briefing pack takes the highest of all).
    marking: Mapped[Marking] = mapped_column(
        enum_column(Marking, "marking"), default=Marking.OFFICIAL
    )
    # Which side may read the paper, on top of its item's visibility.
    visibility: Mapped[ItemVisibility] = mapped_column(
        enum_column(ItemVisibility, "item_visibility"), default=ItemVisibility.ALL
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    # Set by an editor; None means the default from the meeting (app.agendas.paper_deadlines).
    due_on: Mapped[date | None] = mapped_column(Date)

    item: Mapped[AgendaItem] = relationship(back_populates="papers")
    owner: Mapped[Person | None] = relationship()
    files: Mapped[list[PaperFile]] = relationship(
        back_populates="paper", order_by="PaperFile.version", cascade="all, delete-orphan"
    )
    # The language the paper is written in: its original language.
    language = synonym("original_language")

    @property
    def citation(self) -> str:
        return paper_citation(self.reference, self.revision, self.original_language)


class PaperFile(Base):
    """One uploaded version of a paper's document; versions are never changed, only added
    (or deleted by an editor). The bytes are a blob (app.files), shared by equal uploads."""

    __tablename__ = "paper_files"
    __table_args__ = (
        UniqueConstraint("paper_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("agenda_papers.id", ondelete="CASCADE"))
    version: Mapped[int]
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    paper: Mapped[AgendaPaper] = relationship(back_populates="files")


def paper_citation(reference: str, revision: int, language: str) -> str:
    revised = f" REV {revision}" if revision else ""
    return f"{reference}{revised} (OR. {language})"


class VersionStage(enum.StrEnum):
    """Provisional agendas come first, then the final one, then revisions of it."""

    PROVISIONAL = "provisional"
    FINAL = "final"
    REVISION = "revision"


class AgendaVersion(Base):
    """A circulated agenda, frozen: rows are never updated (database triggers refuse it)."""

    __tablename__ = "agenda_versions"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("revision >= 0", name="revision_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    number: Mapped[int]
    stage: Mapped[VersionStage] = mapped_column(enum_column(VersionStage, "version_stage"))
    revision: Mapped[int] = mapped_column(default=0)
    circulated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    circulated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    circulated_by: Mapped[str] = mapped_column(String(254), default="system")
    note: Mapped[str] = mapped_column(String(1000), default="")
    changes: Mapped[list[str]] = mapped_column(JSON, default=list)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


class FollowUpAction(Base):
    """A follow-up agreed under an item; open ones are carried into the next round."""

    __tablename__ = "agenda_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(1000))
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )
    # The item of the next round that took this action over, once carried forward.
    carried_to_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="actions", foreign_keys=[item_id])
