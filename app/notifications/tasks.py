"""Draining the outbox: claim → send → record the outcome, each step its own transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.core import clock
from app.notifications import outbox
from app.notifications.addresses import parse_mailbox
from app.notifications.mime import build_message
from app.notifications.models import OutboxMessage
from app.notifications.smtp import DeliveryError, SmtpTransport
from app.settings import Settings

MAX_PER_RUN = 200


def deliver_outbox(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """Send what is due; returns how many the SMTP server accepted.

    Crash safety: one message at a time, its claim committed just before its SMTP transaction
    and its outcome right after it. A crash in between leaves that one claim to expire (only
    the message in flight, never a batch waiting behind it); the next run marks it `uncertain`
    and does not resend it (at most once), and the admin page lists it for a person to retry.
    """
    outbox.recover_interrupted(session, now)
    session.commit()
    sender = parse_mailbox(settings.mail_sender).addr_spec
    sent = 0
    with SmtpTransport(settings) as transport:
        for _attempt in range(MAX_PER_RUN):
            outbox_id = outbox.claim_next(session, holder, clock.now())
            session.commit()
            if outbox_id is None:
                break
            sent += _send_one(session, transport, outbox_id, settings.mail_sender, sender)
    return sent


def _send_one(
    session: Session, transport: SmtpTransport, outbox_id: int, mail_sender: str, sender: str
) -> int:
    row = session.get_one(OutboxMessage, outbox_id)
    try:
        transport.send(
            lambda eight_bit: build_message(row, mail_sender, clock.now(), eight_bit=eight_bit),
            sender,
            row.recipient,
        )
    except ValueError as error:
        outbox.mark_failed_attempt(session, outbox_id, clock.now(), str(error), permanent=True)
        session.commit()
        return 0
    except DeliveryError as error:
        outbox.mark_failed_attempt(
            session, outbox_id, clock.now(), error.detail, permanent=error.permanent
        )
        session.commit()
        return 0
    outbox.mark_sent(session, outbox_id, clock.now())
    session.commit()
    return 1
