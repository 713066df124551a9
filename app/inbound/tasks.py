"""The "inbound-mail" job: fetch unseen messages from the mailbox and process them.

Per batch: one FETCH for the batch's bodies, one query to match its replies, one commit, then
the batch is marked \\Seen. A crash before the commit leaves the batch unseen and unrecorded
(the next run does it all again); a crash after the commit and before \\Seen leaves it unseen
but recorded (the next run finds every Message-ID in the log, skips them and marks them seen).
Two fetchers at once both fetch a batch; each message's Message-ID is claimed by one of them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.inbound.imap import Mailbox
from app.inbound.models import InboundSource
from app.inbound.services import process_batch
from app.settings import Settings

BATCH = 100


def fetch_inbound_mail(session: Session, settings: Settings, now: datetime, holder: str) -> int:
    """Process what is new in the mailbox; returns how many messages were processed."""
    if not settings.inbound_imap_host:
        return 0
    session.commit()  # each batch is its own transaction, begun afresh
    processed = 0
    with Mailbox(settings) as mailbox:
        uids = mailbox.unseen()
        for start in range(0, len(uids), BATCH):
            chunk = uids[start : start + BATCH]
            fetched = mailbox.fetch(chunk, settings.inbound_imap_max_message_bytes)
            done = process_batch(
                session,
                settings,
                [incoming for _uid, incoming in fetched],
                source=InboundSource.IMAP,
                now=now,
            )
            session.commit()
            mailbox.mark_seen([uid for uid, _incoming in fetched])
            processed += len(done)
    return processed
