"""Processing inbound messages, and the quarantine an administrator works through.

One message: read it (app.inbound.message), screen it (app.inbound.screening), claim its
Message-ID in the log (a unique key: a second fetcher, or the same message fetched again after
a crash, finds it taken and skips it), then apply it in a SAVEPOINT or, when refused, keep it
in the quarantine with the reason. The caller commits (a batch at a time).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.core.errors import NotFound, ValidationError
from app.core.paging import Page, paginate
from app.core.upsert import dialect_insert
from app.inbound.message import InboundEmail, looks_like_ics, read_email, read_ics
from app.inbound.models import (
    EmailReply,
    InboundMessage,
    InboundOutcome,
    InboundSource,
    QuarantinedMessage,
)
from app.inbound.organisers import from_organiser
from app.inbound.replies import Matcher, Outcome, apply_answer
from app.inbound.screening import ITipObject, Refused, check_size, screen
from app.notifications.addresses import one_line, parse_mailbox
from app.settings import Settings

if TYPE_CHECKING:
    from app.auth.models import User

log = logging.getLogger(__name__)
ANSWERS = frozenset({"REPLY", "COUNTER"})
FROM_ORGANISER = frozenset({"REQUEST", "CANCEL", ""})


@dataclass(frozen=True)
class Incoming:
    """One message as fetched: `raw` is only its header when `size` is over the limit."""

    raw: bytes
    size: int
    received_at: datetime | None = None


@dataclass
class _Read:
    incoming: Incoming
    found: InboundEmail
    verdict: ITipObject | Refused


def process_batch(
    session: Session,
    settings: Settings,
    batch: Sequence[Incoming],
    *,
    source: InboundSource,
    now: datetime,
) -> list[InboundMessage]:
    """Process the messages not processed before; returns their log rows (flushed)."""
    read = [_read(settings, incoming) for incoming in batch]
    known = _known_ids(session, [item.found.message_id for item in read])
    unique: dict[str, _Read] = {}  # the same message twice in one batch counts once
    for item in read:
        if item.found.message_id not in known:
            unique.setdefault(item.found.message_id, item)
    fresh = list(unique.values())
    matcher = Matcher.load(
        session,
        [
            item.verdict.calendar
            for item in fresh
            if isinstance(item.verdict, ITipObject) and item.verdict.method in ANSWERS
        ],
    )
    claimed = _claim(session, fresh, source, now)
    done = []
    for item in fresh:
        row = claimed.get(item.found.message_id)
        if row is None:
            continue  # another fetcher took it between the query and the claim
        _decide(session, settings, item, row, matcher, now)
        done.append(row)
    session.flush()
    return done


def process_upload(
    session: Session, actor: User | None, settings: Settings, raw: bytes, *, source: InboundSource
) -> InboundMessage:
    """An .eml or .ics file given by a person (Import page, API); ValidationError if this very
    message was processed before."""
    from app.core import clock

    now = clock.now()
    if not raw.strip():
        raise ValidationError(_("The file is empty"), field="file")
    done = process_batch(session, settings, [Incoming(raw, len(raw))], source=source, now=now)
    if not done:
        raise ValidationError(_("This message was already processed"), field="file")
    row = done[0]
    audit.record(
        session,
        actor,
        "inbound.imported",
        "inbound_message",
        row.id,
        f"Imported a message from {row.sender or 'an unknown sender'}: {row.outcome.value}",
        {"outcome": row.outcome.value, "summary": row.summary},
    )
    return row


def _read(settings: Settings, incoming: Incoming) -> _Read:
    raw = incoming.raw
    found = read_ics(raw) if looks_like_ics(raw) else read_email(raw)
    verdict: ITipObject | Refused
    try:
        check_size(incoming.size, settings.inbound_imap_max_message_bytes)
        verdict = screen(found, settings.inbound_imap_allowed_sender_domains)
    except Refused as refused:
        verdict = refused
    return _Read(incoming, found, verdict)


def _known_ids(session: Session, message_ids: Sequence[str]) -> set[str]:
    if not message_ids:
        return set()
    query = select(InboundMessage.message_id).where(InboundMessage.message_id.in_(message_ids))
    return set(session.scalars(query))


def _claim(
    session: Session, items: Sequence[_Read], source: InboundSource, now: datetime
) -> dict[str, InboundMessage]:
    """Log rows for the batch's messages in one INSERT; a Message-ID already logged (by a
    fetcher running at the same time: PostgreSQL makes this wait for its commit) is left out."""
    if not items:
        return {}
    values = []
    for item in items:
        itip = item.verdict if isinstance(item.verdict, ITipObject) else None
        values.append(
            {
                "message_id": item.found.message_id,
                "source": source,
                "sender": (item.found.sender or (itip.sender if itip else ""))[:254],
                "subject": item.found.subject,
                "method": itip.method if itip else "",
                "outcome": InboundOutcome.QUARANTINED,
                "summary": "",
                # the server's arrival time, never the sender's own Date header
                "received_at": item.incoming.received_at or now,
                "processed_at": now,
            }
        )
    statement = (
        dialect_insert(session, InboundMessage)
        .values(values)
        .on_conflict_do_nothing()
        .returning(InboundMessage.id)
    )
    ids = list(session.scalars(statement))
    if not ids:
        return {}
    rows = session.scalars(select(InboundMessage).where(InboundMessage.id.in_(ids)))
    return {row.message_id: row for row in rows}


def _decide(
    session: Session,
    settings: Settings,
    item: _Read,
    row: InboundMessage,
    matcher: Matcher,
    now: datetime,
) -> None:
    try:
        if isinstance(item.verdict, Refused):
            raise item.verdict
        with session.begin_nested():
            outcome = _dispatch(session, settings, item.verdict, item.found, row, matcher, now)
    except Refused as refused:
        outcome = _quarantine(session, item, row, refused.reason)
    except SQLAlchemyError:
        raise
    except Exception as error:  # a message we cannot handle must not block the mailbox
        log.exception("inbound message %s could not be processed", row.message_id)
        outcome = _quarantine(
            session, item, row, _("Could not be processed (%(error)s)", error=type(error).__name__)
        )
    row.outcome = outcome.outcome
    row.summary = one_line(outcome.summary, max_length=500)
    row.processed_at = now


def _dispatch(
    session: Session,
    settings: Settings,
    itip: ITipObject,
    found: InboundEmail,
    row: InboundMessage,
    matcher: Matcher,
    now: datetime,
) -> Outcome:
    if itip.method in ANSWERS:
        return apply_answer(
            session,
            itip,
            found.senders or frozenset({itip.sender}),
            secretariat_addresses(settings),
            row,
            matcher,
            now,
        )
    if itip.method in FROM_ORGANISER:
        return from_organiser(session, itip, now)
    raise Refused(_("Unsupported METHOD %(method)s", method=itip.method[:16]))


def secretariat_addresses(settings: Settings) -> frozenset[str]:
    """The ORGANIZER our invitations carry (mail_sender), and the secretariat's address."""
    addresses = {parse_mailbox(settings.mail_sender).addr_spec.lower()}
    if settings.secretariat_email:
        addresses.add(settings.secretariat_email.strip().lower())
    return frozenset(addresses)


def _quarantine(session: Session, item: _Read, row: InboundMessage, reason: str) -> Outcome:
    session.add(
        QuarantinedMessage(
            inbound_message_id=row.id,
            reason=one_line(reason, max_length=500),
            sender=row.sender,
            subject=row.subject,
            received_at=row.received_at,
            size=item.incoming.size,
            raw=item.incoming.raw,
        )
    )
    session.flush()
    return Outcome(InboundOutcome.QUARANTINED, reason)


# --- the quarantine --------------------------------------------------------------------------


def page_of_quarantine(
    session: Session, *, page: int = 1, per_page: int = 50
) -> Page[QuarantinedMessage]:
    query = select(QuarantinedMessage).order_by(
        QuarantinedMessage.received_at.desc(), QuarantinedMessage.id.desc()
    )
    return paginate(session, query, page, per_page)


def get_quarantined(session: Session, quarantine_id: int) -> QuarantinedMessage:
    row = session.get(QuarantinedMessage, quarantine_id)
    if row is None:
        raise NotFound(_("No quarantined message with id %(id)d", id=quarantine_id))
    return row


def release(
    session: Session, actor: User | None, settings: Settings, quarantine_id: int, now: datetime
) -> InboundMessage:
    """Process a quarantined message again (after the allow-list or an invitation changed);
    refused again, it is back in the quarantine with the new reason."""
    held = get_quarantined(session, quarantine_id)
    row = held.inbound_message
    incoming = Incoming(held.raw, held.size, held.received_at)
    session.delete(held)
    session.flush()
    item = _read(settings, incoming)
    matcher = Matcher.load(
        session, [item.verdict.calendar] if isinstance(item.verdict, ITipObject) else []
    )
    _decide(session, settings, item, row, matcher, now)
    if row.outcome is not InboundOutcome.QUARANTINED:
        row.outcome = (
            InboundOutcome.RELEASED if row.outcome is InboundOutcome.APPLIED else row.outcome
        )
    audit.record(
        session,
        actor,
        "inbound.released",
        "inbound_message",
        row.id,
        f"Quarantined message from {row.sender or 'an unknown sender'} released: {row.summary}",
        {"outcome": row.outcome.value},
    )
    return row


def delete_quarantined(session: Session, actor: User | None, quarantine_id: int) -> InboundMessage:
    held = get_quarantined(session, quarantine_id)
    row = held.inbound_message
    session.delete(held)
    row.outcome = InboundOutcome.DELETED
    session.flush()
    audit.record(
        session,
        actor,
        "inbound.deleted",
        "inbound_message",
        row.id,
        f"Quarantined message from {row.sender or 'an unknown sender'} deleted ({held.reason})",
        {"reason": held.reason},
    )
    return row


def email_replies_for(
    session: Session, invitation_ids: Sequence[int]
) -> dict[int, list[EmailReply]]:
    """The answers received by e-mail for these invitations, newest first, by invitation."""
    found: dict[int, list[EmailReply]] = {}
    if not invitation_ids:
        return found
    query = (
        select(EmailReply)
        .where(EmailReply.invitation_id.in_(list(invitation_ids)))
        .order_by(EmailReply.id.desc())
    )
    for reply in session.scalars(query):
        found.setdefault(reply.invitation_id, []).append(reply)
    return found
