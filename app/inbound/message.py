"""Reading an inbound e-mail as data: headers, and the calendar objects it carries.

Nothing in the message is followed or run: no part is rendered, no URL fetched, no attachment
opened other than text/calendar and .ics parts, which are parsed as iCalendar text only.
"""

from __future__ import annotations

import email
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

from app.notifications.addresses import clean_address, one_line

CALENDAR_TYPES = frozenset({"text/calendar", "application/ics"})
MAX_PARTS = 50


@dataclass(frozen=True)
class CalendarPart:
    method_param: str  # the Content-Type method= parameter, upper case ("" when absent)
    text: str | None  # None: the bytes are not text in the declared charset


@dataclass
class InboundEmail:
    message_id: str
    sender: str  # the From address, lower case ("" when there is none we can read)
    senders: frozenset[str]  # From and Sender: who may answer for an attendee
    subject: str
    date: datetime | None
    calendars: list[CalendarPart] = field(default_factory=list)
    has_html: bool = False
    has_text: bool = False
    parts: int = 0

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]


def read_email(raw: bytes) -> InboundEmail:
    """The headers and calendar parts of `raw` (an RFC 5322 message)."""
    # compat32: headers stay strings until asked for (the default policy parses every header
    # of every part into objects, which costs more than the rest of the processing)
    message = email.message_from_bytes(raw, policy=compat32)
    from_addresses = _addresses(message, "From")
    sender = from_addresses[0] if len(from_addresses) == 1 else ""
    found = InboundEmail(
        message_id=message_id_of(message, raw),
        sender=sender,
        senders=frozenset(from_addresses + _addresses(message, "Sender")),
        subject=one_line(_decoded(_header(message, "Subject")), max_length=300),
        date=_date(message),
    )
    for part in message.walk():
        found.parts += 1
        if found.parts > MAX_PARTS or part.is_multipart():
            continue
        kind = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if kind in CALENDAR_TYPES or filename.endswith(".ics"):
            found.calendars.append(_calendar_part(part))
        elif kind == "text/html":
            found.has_html = True
        elif kind == "text/plain":
            found.has_text = True
    return found


def message_id_of(message: Message, raw: bytes) -> str:
    """The Message-ID header, or (when missing) a digest of the whole message."""
    value = one_line(_header(message, "Message-ID"), max_length=250).strip().strip("<>")
    if value:
        return f"<{value}>"
    return f"sha256:{hashlib.sha256(raw).hexdigest()}"


def _calendar_part(part: Message) -> CalendarPart:
    method = one_line(str(part.get_param("method") or ""), max_length=16).upper()
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = str(part.get_content_charset() or "utf-8")
    try:
        return CalendarPart(method, data.decode(charset))
    except (LookupError, UnicodeDecodeError):
        return CalendarPart(method, None)


def _header(message: Message, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except (ValueError, IndexError, TypeError):  # a header the parser cannot make sense of
        return ""


def _decoded(value: str) -> str:
    """RFC 2047 encoded words (=?utf-8?q?...?=) as text."""
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeDecodeError):
        return value


def _addresses(message: Message, name: str) -> list[str]:
    values = [_header(message, name)] if message.get(name) is not None else []
    found = []
    for _name, address in getaddresses(values):
        cleaned = clean_address(address.strip().lower())
        if cleaned is not None:
            found.append(cleaned)
    return found


def _date(message: Message) -> datetime | None:
    try:
        moment = parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def read_ics(raw: bytes) -> InboundEmail:
    """A bare .ics file (the Import page, the API): one calendar part, no headers; the sender
    is read from the calendar itself (see screening.calendar_sender)."""
    try:
        text: str | None = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    return InboundEmail(
        message_id=f"sha256:{hashlib.sha256(raw).hexdigest()}",
        sender="",
        senders=frozenset(),
        subject="",
        date=None,
        calendars=[CalendarPart("", text)],
        parts=1,
    )


def looks_like_ics(raw: bytes) -> bool:
    return raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper() == b"BEGIN:VCALENDAR"
