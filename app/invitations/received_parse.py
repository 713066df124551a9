"""Reading an organiser's iTIP message (RFC 5546) into plain, checked values.

Nothing in the message is trusted: the one event must have a UID and a start, the ORGANIZER
must be a single address of the sending domain, text is cut to what Entente stores and loses
its control and bidirectional-override characters, and times keep their zone (Windows zone
names, as Outlook sends them, become IANA names). Anything else is refused with a reason, and
the caller quarantines the message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Event
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from app.core.errors import EntenteError
from app.core.timezones import known_zones
from app.core.validation import BIDI_CONTROLS
from app.notifications.addresses import clean_address

# The zone of a meeting whose times come in UTC, floating or in a zone with no IANA name.
DEFAULT_ZONE = "Europe/Brussels"
METHODS = frozenset({"", "REQUEST", "CANCEL", "PUBLISH"})
MAX_UID = 255
MAX_SEQUENCE = 2**31 - 1
MAX_DESCRIPTION = 10000
_UID_RE = re.compile(r"^[\x21-\x7e]+$")
# Windows zones whose CLDR default city is elsewhere but whose rules are Brussels' own.
PREFERRED = {"Romance Standard Time": "Europe/Brussels"}


class CalendarRefused(EntenteError):
    """The calendar cannot be applied as it is; `reason` says why (shown in the quarantine)."""

    code = "calendar_refused"
    http_status = 422

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def applied_at_once() -> CalendarRefused:
    """Two messages for one new meeting (copies, or a REQUEST and its update) applied by two
    fetchers at the same moment: the one that lost the race waits in the quarantine."""
    return CalendarRefused(
        _(
            "Another message for this meeting was applied at the same moment; release this "
            "one to apply it after."
        )
    )


@dataclass(frozen=True)
class OrganiserEvent:
    """What Entente keeps of the organiser's event, checked."""

    method: str  # REQUEST, CANCEL, or "" for a plain .ics (PUBLISH counts as "")
    uid: str
    sequence: int
    organiser_email: str
    organiser_name: str
    cancelled: bool
    start: datetime | None = None  # aware
    end: datetime | None = None  # aware; None: not given (neither DTEND nor DURATION)
    timezone: str = DEFAULT_ZONE
    title: str = ""
    location: str = ""
    description: str = ""
    private: bool = False


def read_organiser_event(calendar: Calendar, sender: str) -> OrganiserEvent:
    """The one event of an organiser's REQUEST, CANCEL or plain calendar, or CalendarRefused."""
    method = _method(calendar)
    event = _single_event(calendar)
    uid = _uid(event)
    organiser_email, organiser_name = _organiser(event, sender)
    status = _one_line(event.get("STATUS"), 20).upper()
    cancelled = method == "CANCEL" or status == "CANCELLED"
    values: dict[str, Any] = {}
    if not cancelled:
        values = _times(event)
    return OrganiserEvent(
        method=method,
        uid=uid,
        sequence=_sequence(event),
        organiser_email=organiser_email,
        organiser_name=organiser_name,
        cancelled=cancelled,
        title=_one_line(event.get("SUMMARY"), 300),
        location=_one_line(event.get("LOCATION"), 300),
        description=_description(event.get("DESCRIPTION")),
        private=_one_line(event.get("CLASS"), 20).upper() in {"PRIVATE", "CONFIDENTIAL"},
        **values,
    )


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


def same_organisation(first: str, second: str) -> bool:
    """Whether two mail domains are the same or one is a subdomain of the other
    (a shared mailbox at consilium.europa.eu sending for someone at the same domain)."""
    a, b = first.lower().rstrip("."), second.lower().rstrip(".")
    return a == b or a.endswith("." + b) or b.endswith("." + a)


# --- the parts --------------------------------------------------------------------------------


def _method(calendar: Calendar) -> str:
    value = calendar.get("METHOD")
    if isinstance(value, list):
        raise CalendarRefused(_("The calendar has several METHOD properties."))
    method = str(value or "").strip().upper()
    if method not in METHODS:
        raise CalendarRefused(
            _("A calendar with METHOD:%(method)s is not an invitation.", method=method[:20])
        )
    return "" if method == "PUBLISH" else method


def _single_event(calendar: Calendar) -> Event:
    events = [c for c in calendar.subcomponents if isinstance(c, Event)]
    others = {c.name for c in calendar.subcomponents if c.name not in {"VEVENT", "VTIMEZONE"}} - {
        None
    }
    if others:
        raise CalendarRefused(
            _(
                "The calendar holds components Entente does not read: %(names)s.",
                names=", ".join(sorted(str(name)[:20] for name in others)[:5]),
            )
        )
    if not events:
        raise CalendarRefused(_("The calendar holds no event."))
    uids = {str(event.get("UID", "")) for event in events}
    if len(uids) > 1:
        raise CalendarRefused(
            _(
                "The calendar holds %(count)d different events; one invitation has one.",
                count=len(uids),
            )
        )
    event = events[0]
    if len(events) > 1 or any(name in event for name in ("RRULE", "RDATE", "RECURRENCE-ID")):
        raise CalendarRefused(
            _("A recurring meeting (a series) is not imported; record it by hand.")
        )
    return event


def _uid(event: Event) -> str:
    value = event.get("UID")
    if isinstance(value, list):
        raise CalendarRefused(_("The event has several UIDs."))
    uid = str(value or "").strip()
    if not uid:
        raise CalendarRefused(_("The event has no UID."))
    if len(uid) > MAX_UID or not _UID_RE.match(uid):
        raise CalendarRefused(
            _("The event's UID is too long or holds spaces or control characters.")
        )
    return uid


def _sequence(event: Event) -> int:
    value = event.get("SEQUENCE", 0)
    try:
        sequence = int(value)
    except (TypeError, ValueError):
        raise CalendarRefused(_("The event's SEQUENCE is not a whole number.")) from None
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise CalendarRefused(_("The event's SEQUENCE is out of range."))
    return sequence


def _organiser(event: Event, sender: str) -> tuple[str, str]:
    value = event.get("ORGANIZER")
    if value is None:
        raise CalendarRefused(_("The event has no ORGANIZER."))
    if isinstance(value, list):
        raise CalendarRefused(_("The event has several ORGANIZERs."))
    raw = str(value).strip()
    address = clean_address(raw[7:] if raw.lower().startswith("mailto:") else "")
    if address is None:
        raise CalendarRefused(_("The ORGANIZER is not a plain e-mail address."))
    sender_address = clean_address(parseaddr(sender)[1])
    if sender_address is None:
        raise CalendarRefused(_("The sender is not a plain e-mail address."))
    if not same_organisation(domain_of(address), domain_of(sender_address)):
        raise CalendarRefused(
            _(
                "The ORGANIZER %(organiser)s is not at the sender's domain %(domain)s.",
                organiser=address,
                domain=domain_of(sender_address),
            )
        )
    name = _one_line(getattr(value, "params", {}).get("CN"), 200)
    return address, name


def _times(event: Event) -> dict[str, Any]:
    if "DTSTART" not in event:
        raise CalendarRefused(_("The event has no DTSTART."))
    start, zone_name, all_day = _moment(event["DTSTART"])
    end: datetime | None = None
    if "DTEND" in event:
        end = _moment(event["DTEND"])[0]
    elif "DURATION" in event:
        duration = getattr(event["DURATION"], "dt", None)
        if not isinstance(duration, timedelta):
            raise CalendarRefused(_("The event's DURATION cannot be read."))
        end = start + duration
    elif all_day:
        end = start + timedelta(days=1)
    if end is not None and end <= start:
        raise CalendarRefused(_("The event ends before it starts."))
    return {"start": start, "end": end, "timezone": zone_name}


def _moment(prop: Any) -> tuple[datetime, str, bool]:
    """An aware time and the IANA zone it was given in, from DTSTART or DTEND."""
    value = getattr(prop, "dt", None)
    if isinstance(prop, list) or not isinstance(value, date):
        raise CalendarRefused(_("A start or end time cannot be read."))
    if not isinstance(value, datetime):  # an all-day event: midnight where it happens
        return datetime.combine(value, time(0), ZoneInfo(DEFAULT_ZONE)), DEFAULT_ZONE, True
    if not 1900 <= value.year <= 2200:
        raise CalendarRefused(_("A start or end time is outside the years 1900 to 2200."))
    tzid = str(prop.params.get("TZID", "")).strip().strip('"')
    zone_name = _iana(tzid)
    if zone_name is not None:
        # The IANA rules, not the message's VTIMEZONE: a wrong or hostile one changes nothing.
        return value.replace(tzinfo=ZoneInfo(zone_name)), zone_name, False
    if value.tzinfo is None:  # floating: read as Brussels time, where these meetings are
        return value.replace(tzinfo=ZoneInfo(DEFAULT_ZONE)), DEFAULT_ZONE, False
    if value.utcoffset() is None:
        raise CalendarRefused(_("The time zone %(tzid)s cannot be read.", tzid=tzid[:64]))
    # UTC, or a zone known only by the message's own VTIMEZONE: the instant is kept.
    return value.astimezone(UTC), DEFAULT_ZONE, False


def _iana(tzid: str) -> str | None:
    if not tzid:
        return None
    if tzid in known_zones() and tzid != "UTC":
        return tzid
    mapped = PREFERRED.get(tzid) or WINDOWS_TO_OLSON.get(tzid)
    if mapped and mapped in known_zones():
        return str(mapped)
    return None


def _clean(value: object, *, multiline: bool) -> str:
    """Text without control characters (line breaks kept when `multiline`) or bidi overrides."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in text:
        if char in BIDI_CONTROLS:
            continue
        if unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"} or char in "\u2028\u2029":
            if multiline and char in "\n\t":
                kept.append(char)
            else:
                kept.append(" ")
            continue
        kept.append(char)
    return "".join(kept)


def _one_line(value: object, max_length: int) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(_clean(value, multiline=False).split())[:max_length]


def _description(value: object) -> str:
    if isinstance(value, list):
        value = "\n".join(str(item) for item in value)
    text = "\n".join(line.rstrip() for line in _clean(value, multiline=True).split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if len(text) > MAX_DESCRIPTION:
        text = text[: MAX_DESCRIPTION - 1].rstrip() + "…"
    return text
