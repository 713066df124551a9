"""Writing to the outbox, claiming rows for sending, recording what happened.

Every function takes the caller's session and never commits: a producer's rows commit with the
decision that caused them, and the sender commits each step (claim, outcome) on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.core.errors import InvalidTransition, NotFound
from app.core.upsert import insert_ignoring_duplicates
from app.notifications.addresses import clean_address, one_line
from app.notifications.models import (
    NotificationKind,
    OutboxMessage,
    OutboxStatus,
    SentLog,
)

if TYPE_CHECKING:
    from app.auth.models import User

CLAIM_TTL = timedelta(minutes=5)  # one SMTP transaction that takes longer was interrupted
MAX_ATTEMPTS = 10
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)


@dataclass(frozen=True)
class Draft:
    """A rendered message for one recipient."""

    key: str
    kind: NotificationKind
    recipient: str
    recipient_name: str
    subject: str
    body_text: str
    body_html: str
    calendar: str = ""
    calendar_method: str = ""
    meeting_id: int | None = None


def enqueue(
    session: Session,
    draft: Draft,
    now: datetime,
    *,
    status: OutboxStatus = OutboxStatus.PENDING,
    note: str = "",
) -> bool:
    """Queue a message unless one with the same key exists; True when it was queued.

    A recipient address that is not a single plain address is refused here (returns False), so
    nothing downstream can be steered to other recipients.
    """
    recipient = clean_address(draft.recipient)
    if recipient is None:
        return False
    return insert_ignoring_duplicates(
        session,
        OutboxMessage,
        {
            "key": draft.key[:200],
            "kind": draft.kind,
            "status": status,
            "recipient": recipient,
            "recipient_name": one_line(draft.recipient_name),
            "subject": one_line(draft.subject, max_length=300),
            "body_text": draft.body_text,
            "body_html": draft.body_html,
            "calendar": draft.calendar,
            "calendar_method": draft.calendar_method,
            "meeting_id": draft.meeting_id,
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": note,
            "created_at": now,
        },
    )


def existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        found.update(session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk))))
    return found


def recover_interrupted(session: Session, now: datetime) -> int:
    """Claims that outlived CLAIM_TTL: the sender died between claim and outcome.

    They become `uncertain`, never retried automatically: the SMTP server may have accepted
    the message before the crash, and a second copy is worse than a person deciding.
    """
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claim_expires_at < now,
        )
        .values(
            status=OutboxStatus.UNCERTAIN,
            last_error="The sender stopped during delivery; it may have been sent. "
            "Check with the recipient, then retry it by hand if needed.",
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim_next(session: Session, holder: str, now: datetime) -> int | None:
    """Claim the next due message for `holder`; the caller commits, then sends it at once.

    One message at a time, so that a crash can strand only the message actually in flight;
    the longest-waiting first.
    The claim is one conditional UPDATE (still pending?) plus the sent-log row whose unique
    key makes a second send of the same notification impossible. A row another sender took
    first is passed over; one whose key was already sent is skipped. None: nothing is due.
    """
    passed_over: list[int] = []
    while True:
        query = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)  # the index's order
            .limit(1)
        )
        if passed_over:
            query = query.where(OutboxMessage.id.not_in(passed_over))
        outbox_id = session.scalar(query)
        if outbox_id is None:
            return None
        if _claim(session, holder, outbox_id, now):
            return outbox_id
        passed_over.append(outbox_id)


def _claim(session: Session, holder: str, outbox_id: int, now: datetime) -> bool:
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == outbox_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(
            status=OutboxStatus.SENDING,
            claimed_by=holder,
            claim_expires_at=now + CLAIM_TTL,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False  # another sender took it
    row = session.get_one(OutboxMessage, outbox_id, populate_existing=True)
    claimed = insert_ignoring_duplicates(
        session,
        SentLog,
        {
            "key": row.key,
            "outbox_id": row.id,
            "recipient": row.recipient,
            "holder": holder,
            "claimed_at": now,
        },
    )
    if not claimed:
        row.status = OutboxStatus.SKIPPED
        row.last_error = "Already sent under the same key"
    session.flush()
    return claimed


def mark_sent(session: Session, outbox_id: int, now: datetime) -> None:
    row = session.get_one(OutboxMessage, outbox_id)
    row.status = OutboxStatus.SENT
    row.sent_at = now
    row.last_error = ""
    row.claim_expires_at = None
    session.execute(
        update(SentLog)
        .where(SentLog.outbox_id == outbox_id)
        .values(delivered_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()


def mark_failed_attempt(
    session: Session, outbox_id: int, now: datetime, error: str, *, permanent: bool
) -> OutboxStatus:
    """The SMTP server did not take the message: release the sent-log claim, then retry later
    with exponential back-off, or stop (5xx, or MAX_ATTEMPTS reached) and show it as failed."""
    row = session.get_one(OutboxMessage, outbox_id)
    session.execute(
        delete(SentLog)
        .where(SentLog.outbox_id == outbox_id, SentLog.delivered_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    row.claim_expires_at = None
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = OutboxStatus.FAILED
        row.last_error = error if permanent else f"Gave up after {row.attempts} attempts: {error}"
    else:
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = now + backoff(row.attempts)
        row.last_error = error
    session.flush()
    return row.status


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after attempt 1, 2, 3 ..., at most six hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def requeue(session: Session, actor: User | None, outbox_id: int, now: datetime) -> OutboxMessage:
    """A person decided a failed or uncertain message should be sent (again)."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None:
        raise NotFound(
            _("No outbox message with id %(outbox_id)s", outbox_id=outbox_id), field="outbox_id"
        )
    if row.status not in {OutboxStatus.FAILED, OutboxStatus.UNCERTAIN}:
        raise InvalidTransition(
            _(
                "Only failed or uncertain messages can be retried (this one is %(value)s)",
                value=row.status.value,
            ),
            field="outbox_id",
        )
    session.execute(
        delete(SentLog)
        .where(SentLog.outbox_id == outbox_id, SentLog.delivered_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    previous = row.status
    row.status = OutboxStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = now
    session.flush()
    audit.record(
        session,
        actor,
        "outbox.requeued",
        "outbox_message",
        row.id,
        f"E-mail to {row.recipient} queued again",
        {"status": [previous.value, OutboxStatus.PENDING.value]},
    )
    return row
