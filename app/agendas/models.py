from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, enum_column
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
    purpose: Mapped[Purpose | None] = mapped_column(enum_column(Purpose, "purpose"))
    lead_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    lead_text: Mapped[str] = mapped_column(String(200), default="")
    duration_minutes: Mapped[int | None]
    visibility: Mapped[ItemVisibility] = mapped_column(
        enum_column(ItemVisibility, "item_visibility"), default=ItemVisibility.ALL
    )
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic_areas.id"))
    notes: Mapped[str] = mapped_column(Text, default="")

    parent: Mapped[AgendaItem | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[AgendaItem]] = relationship(
        back_populates="parent", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    lead_person: Mapped[Person | None] = relationship()
    topic: Mapped[TopicArea | None] = relationship()

    @property
    def lead(self) -> str:
        if self.lead_person is not None:
            return self.lead_person.display_name
        return self.lead_text
