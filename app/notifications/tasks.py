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

BATCH = 5  # small claims: a claim must not outlive outbox.CLAIM_TTL while its batch is sent
MAX_PER_RUN = 200


def deliver_outbox(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """Send what is due; returns how many the SMTP server accepted.

    Crash safety: a claim is committed before the SMTP transaction and the outcome right after
    it. A crash in between leaves the claim to expire; the next run marks it `uncertain` and
    does not resend it (at most once), and the admin page lists it for a person to retry.
    """
    outbox.recover_interrupted(session, now)
    session.commit()
    sender = parse_mailbox(settings.mail_sender).addr_spec
    sent = handled = 0
    with SmtpTransport(settings) as transport:
        while handled < MAX_PER_RUN:
            claimed = outbox.claim_due(session, holder, clock.now(), limit=BATCH)
            session.commit()
            for outbox_id in claimed:
                sent += _send_one(session, transport, outbox_id, settings.mail_sender, sender)
            handled += len(claimed)
            if len(claimed) < BATCH:
                break
    return sent


def _send_one(
    session: Session, transport: SmtpTransport, outbox_id: int, mail_sender: str, sender: str
) -> int:
    row = session.get_one(OutboxMessage, outbox_id)
    try:
        message = build_message(row, mail_sender, clock.now())
        transport.send(message, sender, row.recipient)
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
