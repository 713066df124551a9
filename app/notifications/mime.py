"""An outbox row as an e-mail: text and HTML alternatives, and the iTIP part when there is one.

Outlook and Gmail act on a `text/calendar; method=...` alternative; the same object is also
attached as invite.ics for clients that only offer attachments.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from app.notifications.addresses import mailbox, one_line, parse_mailbox
from app.notifications.models import OutboxMessage


def message_id(key: str, sender_domain: str) -> str:
    """The same notification always has the same Message-ID, so a mail store that receives a
    copy twice (after an operator's retry) can tell."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{sender_domain}>"


def build_message(
    row: OutboxMessage, mail_sender: str, now: datetime, *, eight_bit: bool = True
) -> EmailMessage:
    """The e-mail for `row`. Without `eight_bit` (the SMTP server does not offer 8BITMIME)
    every non-ASCII text part is quoted-printable, so the message is 7-bit throughout."""
    sender = parse_mailbox(mail_sender)
    message = EmailMessage()
    message["Subject"] = one_line(row.subject, max_length=300)
    message["From"] = sender
    message["To"] = mailbox(row.recipient_name, row.recipient)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(row.key, sender.domain or "entente.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body_text, cte=_encoding(row.body_text, eight_bit))
    message.add_alternative(row.body_html, subtype="html", cte=_encoding(row.body_html, eight_bit))
    if row.calendar:
        method = one_line(row.calendar_method, max_length=16).upper() or "PUBLISH"
        message.add_alternative(
            row.calendar,
            subtype="calendar",
            params={"method": method},
            cte=_encoding(row.calendar, eight_bit),
        )
        message.add_attachment(
            row.calendar.encode("utf-8"),
            maintype="application",
            subtype="ics",
            filename="invite.ics",
        )
    return message


def _encoding(text: str, eight_bit: bool) -> str | None:
    """None lets the email package choose (7bit, 8bit, or quoted-printable for long lines)."""
    return None if eight_bit or text.isascii() else "quoted-printable"
