from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.agendas.models import AgendaItem
from app.core.db import Base, UTCDateTime, enum_column, utcnow
from app.meetings.models import Meeting
from app.people.models import Organisation, Person


class InvitationScope(enum.StrEnum):
    WHOLE = "whole"
    ITEMS = "items"
    LUNCH = "lunch"


class InvitationStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TENTATIVE = "tentative"
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        """Still waiting for a firm answer."""
        return self in {InvitationStatus.INVITED, InvitationStatus.TENTATIVE}


# Statuses in which an invitation stands: an organisation has at most one such invitation to a
# meeting (declined and withdrawn ones may pile up). Enforced by `uq_invitations_open`.
STANDING_STATUSES = (
    InvitationStatus.INVITED,
    InvitationStatus.TENTATIVE,
    InvitationStatus.ACCEPTED,
)
STANDING_WHERE = text("status IN ('invited', 'tentative', 'accepted')")

INVITATION_TRANSITIONS: dict[InvitationStatus, frozenset[InvitationStatus]] = {
    InvitationStatus.INVITED: frozenset(
        {
            InvitationStatus.ACCEPTED,
            InvitationStatus.DECLINED,
            InvitationStatus.TENTATIVE,
            InvitationStatus.WITHDRAWN,
        }
    ),
    InvitationStatus.TENTATIVE: frozenset(
        {InvitationStatus.ACCEPTED, InvitationStatus.DECLINED, InvitationStatus.WITHDRAWN}
    ),
    InvitationStatus.ACCEPTED: frozenset({InvitationStatus.DECLINED, InvitationStatus.WITHDRAWN}),
    InvitationStatus.DECLINED: frozenset({InvitationStatus.ACCEPTED, InvitationStatus.WITHDRAWN}),
    InvitationStatus.WITHDRAWN: frozenset(),
}

invitation_items = Table(
    "invitation_items",
    Base.metadata,
    Column("invitation_id", ForeignKey("invitations.id", ondelete="CASCADE"), primary_key=True),
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
)


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("inviter_id <> invitee_id", name="not_self"),
        Index("ix_invitations_status_deadline", "status", "reply_deadline"),
        Index(
            "uq_invitations_open",
            "meeting_id",
            "invitee_id",
            unique=True,
            postgresql_where=STANDING_WHERE,
            sqlite_where=STANDING_WHERE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    inviter_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    invitee_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    invitee_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    representative_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    scope: Mapped[InvitationScope] = mapped_column(
        enum_column(InvitationScope, "invitation_scope"), default=InvitationScope.WHOLE
    )
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus, "invitation_status"), default=InvitationStatus.INVITED
    )
    reply_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message: Mapped[str] = mapped_column(Text, default="")
    reply_note: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship()
    inviter: Mapped[Organisation] = relationship(foreign_keys=[inviter_id])
    invitee: Mapped[Organisation] = relationship(foreign_keys=[invitee_id])
    invitee_person: Mapped[Person | None] = relationship(foreign_keys=[invitee_person_id])
    representative: Mapped[Person | None] = relationship(foreign_keys=[representative_id])
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        secondary=invitation_items, order_by=AgendaItem.position
    )
    # Set when the invitation came in by e-mail from the EU-side organiser (an iTIP REQUEST).
    received: Mapped[ReceivedInvitation | None] = relationship(back_populates="invitation")


class ReceivedInvitation(Base):
    """An invitation that arrived as the organiser's calendar REQUEST: their UID and the last
    SEQUENCE applied (a later REQUEST must be newer), who organises it, and what the last
    update changed, for the notice the secretariat reads."""

    __tablename__ = "received_invitations"
    __table_args__ = (CheckConstraint("organiser_sequence >= 0", name="sequence_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    organiser_uid: Mapped[str] = mapped_column(String(255), unique=True)
    organiser_sequence: Mapped[int] = mapped_column(default=0)
    organiser_email: Mapped[str] = mapped_column(String(254))
    organiser_name: Mapped[str] = mapped_column(String(200), default="")
    sender: Mapped[str] = mapped_column(String(254))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The last update from the organiser: when, and what it changed ("Start: ... → ...").
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changes: Mapped[list[Any]] = mapped_column(JSON, default=list)

    invitation: Mapped[Invitation] = relationship(back_populates="received")
