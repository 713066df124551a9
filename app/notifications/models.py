"""The outbox (every e-mail the application decided to send) and the sent log.

A message is written to the outbox in the same transaction as the decision that caused it; the
sender drains the outbox. `OutboxMessage.key` names the notification ("reminder:12:7:...") so a
sweep that runs twice queues it once, and `SentLog.key` is claimed before the SMTP transaction
starts, so a second send of the same notification cannot begin.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base, UTCDateTime, enum_column, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"  # accepted by the SMTP server
    FAILED = "failed"  # refused for good (5xx) or too many attempts: needs a person
    UNCERTAIN = "uncertain"  # the sender stopped mid-send: may or may not have gone out
    SKIPPED = "skipped"  # decided not to send (superseded reminder, duplicate key)


class NotificationKind(enum.StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"
    MEETING_CHANGE = "meeting_change"
    AGENDA_LATE = "agenda_late"
    CADENCE_ALERT = "cadence_alert"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[NotificationKind] = mapped_column(
        enum_column(NotificationKind, "notification_kind")
    )
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # An iTIP object (RFC 5546) sent as text/calendar; method=<calendar_method>.
    calendar: Mapped[str] = mapped_column(Text, default="")
    calendar_method: Mapped[str] = mapped_column(String(16), default="")
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SentLog(Base):
    """One row per notification whose SMTP transaction began; the unique key is the guard.

    `delivered_at` is set when the server accepted the message. A row without it belongs to a
    send in progress or to one interrupted by a crash (the outbox row is then `uncertain`).
    """

    __tablename__ = "sent_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(254))
    holder: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotifiedChange(Base):
    """An audit entry (a meeting moved, cancelled, ...) whose notifications have been queued."""

    __tablename__ = "notified_changes"

    audit_entry_id: Mapped[int] = mapped_column(
        ForeignKey("audit_entries.id", ondelete="CASCADE"), primary_key=True
    )
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime)
