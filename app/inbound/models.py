"""The inbound log (one row per message, keyed by Message-ID), the quarantine, and the replies
received by e-mail.

`InboundMessage.message_id` is unique: a message fetched twice (two fetchers, or a crash after
the commit and before the server was told) is processed once. `EmailReply.dedup_key` (method,
UID, SEQUENCE, sender, DTSTAMP) is unique too, so the same reply under another Message-ID (a
forwarded copy, an upload) is recorded once.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, UTCDateTime, enum_column


class InboundSource(enum.StrEnum):
    IMAP = "imap"
    UPLOAD = "upload"  # the Import page
    API = "api"


class InboundOutcome(enum.StrEnum):
    APPLIED = "applied"  # changed an invitation or a received meeting
    RECORDED = "recorded"  # kept for the secretariat (stale reply, counter-proposal)
    DUPLICATE = "duplicate"  # the same iTIP object already came in under another Message-ID
    QUARANTINED = "quarantined"
    RELEASED = "released"  # quarantined, then re-processed by an administrator
    DELETED = "deleted"  # quarantined, then deleted by an administrator


class ReplyKind(enum.StrEnum):
    REPLY = "reply"
    COUNTER = "counter"


class InboundMessage(Base):
    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    source: Mapped[InboundSource] = mapped_column(enum_column(InboundSource, "inbound_source"))
    sender: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    method: Mapped[str] = mapped_column(String(16), default="")
    outcome: Mapped[InboundOutcome] = mapped_column(enum_column(InboundOutcome, "inbound_outcome"))
    summary: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class QuarantinedMessage(Base):
    """A refused message, kept (raw) for an administrator to download, release or delete."""

    __tablename__ = "quarantined_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    inbound_message_id: Mapped[int] = mapped_column(
        ForeignKey("inbound_messages.id", ondelete="CASCADE"), unique=True
    )
    reason: Mapped[str] = mapped_column(String(500))
    sender: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    size: Mapped[int] = mapped_column(default=0)
    raw: Mapped[bytes] = mapped_column(LargeBinary)

    inbound_message: Mapped[InboundMessage] = relationship()


class EmailReply(Base):
    """An invitee's answer (REPLY) or proposal of a new time (COUNTER) received by e-mail."""

    __tablename__ = "email_replies"
    __table_args__ = (Index("ix_email_replies_invitation", "invitation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    inbound_message_id: Mapped[int] = mapped_column(
        ForeignKey("inbound_messages.id", ondelete="CASCADE")
    )
    kind: Mapped[ReplyKind] = mapped_column(enum_column(ReplyKind, "email_reply_kind"))
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True)
    attendee: Mapped[str] = mapped_column(String(254))
    attendee_name: Mapped[str] = mapped_column(String(200), default="")
    partstat: Mapped[str] = mapped_column(String(32), default="")
    delegated_to: Mapped[str] = mapped_column(String(254), default="")
    sequence: Mapped[int] = mapped_column(default=0)
    # The SEQUENCE of the last REQUEST we sent this person: a lower `sequence` answered an
    # older version of the meeting (before a move) and is not applied.
    current_sequence: Mapped[int] = mapped_column(default=0)
    stale: Mapped[bool] = mapped_column(default=False)
    applied: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    proposed_start_utc: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposed_end_utc: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
