"""RFC 5545 / RFC 7986 calendar text: one VEVENT per meeting, VTIMEZONEs, the calendar frame.

Pure functions over plain data, so the same bytes come out for the same meeting state: the
feed cache (app.feeds.cache) stores what `event_bytes` returns and a request only joins it.
icalendar does the escaping and the folding (75 octets, never inside a UTF-8 character);
`clean_text` first removes what TEXT may not carry at all (control characters, lone
surrogates), so user text can never end a line early or smuggle in a property.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event

from app.calendar import PRODID, Text, local_or_utc, utc, vtimezone
from app.meetings.models import MeetingStatus

RESTRICTED_TITLE = _l("Details restricted")
# Bump when the bytes of a feed change for the same meetings: it is part of every ETag (so
# clients fetch the new form) and of every cache row's fingerprint (rebuilt once).
# 2: VTIMEZONEs as yearly rules; CLASS:PRIVATE for restricted meetings.
FORMAT_VERSION = 2
CRLF = b"\r\n"
END_CALENDAR = b"END:VCALENDAR\r\n"

# C0 controls except TAB and LF, DEL, C1 controls, lone surrogates, and the Unicode line and
# paragraph separators (some parsers end a line there).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_STATUS = {
    MeetingStatus.TENTATIVE: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.POSTPONED: "TENTATIVE",
    MeetingStatus.CANCELLED: "CANCELLED",
}
# Outlook ignores STATUS, so the title says it too.
_TITLE_PREFIX = {
    MeetingStatus.CANCELLED: _l("Cancelled: %(title)s"),
    MeetingStatus.POSTPONED: _l("Postponed: %(title)s"),
}


@dataclass(frozen=True)
class EventData:
    """What a subscriber's calendar shows of one meeting."""

    uid: str
    sequence: int
    changed_at: datetime  # aware; DTSTAMP and LAST-MODIFIED (stable bytes, not "now")
    start: datetime  # aware
    end: datetime  # aware
    timezone: str  # IANA name; DTSTART/DTEND carry it as TZID
    status: MeetingStatus
    title: str = ""
    location: str = ""
    description: str = ""
    topics: tuple[str, ...] = ()
    delegation: tuple[str, ...] = ()  # one line per side
    agenda: tuple[str, ...] = ()  # top-level items, numbered
    url: str = ""
    restricted: bool = False  # busy time only: no title, topics, place or description
    private: bool = False  # CLASS:PRIVATE (a restricted meeting, in full or as busy time)


def clean_text(value: str) -> str:
    """User text made safe for a TEXT value: newlines normalised, controls removed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", value)


def summary_of(data: EventData) -> str:
    """The title, in the feed's language (render inside `force_locale`) where it is ours."""
    title = str(RESTRICTED_TITLE) if data.restricted else clean_text(data.title).strip()
    title = title or gettext("Meeting")
    prefix = _TITLE_PREFIX.get(data.status)
    return str(prefix).replace("%(title)s", title) if prefix is not None else title


def description_of(data: EventData) -> str:
    parts: list[str] = []
    if data.description.strip():
        parts.append(data.description.strip())
    if data.topics:
        parts.append(gettext("Topics: %(topics)s", topics=", ".join(data.topics)))
    parts.extend(data.delegation)
    if data.agenda:
        parts.append(gettext("Agenda:") + "\n" + "\n".join(data.agenda))
    if data.url:
        parts.append(gettext("Meeting page: %(url)s", url=data.url))
    return clean_text("\n\n".join(parts))


def event_bytes(data: EventData) -> bytes:
    """One VEVENT, CRLF-terminated and folded, ready to be joined into a calendar."""
    zone = ZoneInfo(data.timezone)
    event = Event()
    event.add("uid", Text(clean_text(data.uid)))
    event.add("dtstamp", utc(data.changed_at))
    event.add("last-modified", utc(data.changed_at))
    event.add("sequence", data.sequence)
    event.add("dtstart", local_or_utc(data.start, zone))
    event.add("dtend", local_or_utc(data.end, zone))
    event.add("summary", Text(summary_of(data)))
    event.add("status", _STATUS[data.status])
    event.add("transp", "OPAQUE")
    if data.private:
        # PRIVATE, not CONFIDENTIAL: Outlook hides the details of a Private item from those
        # who share the calendar and gives the other sensitivities no effect; Google and
        # Apple treat both as private.
        event.add("class", "PRIVATE")
    if not data.restricted:
        if data.location.strip():
            event.add("location", Text(clean_text(data.location).strip()))
        description = description_of(data)
        if description:
            event.add("description", Text(description))
        if data.topics:
            event.add("categories", [Text(clean_text(topic)) for topic in data.topics])
        if data.url:
            event.add("url", data.url)
    return event.to_ical()


@lru_cache(maxsize=1024)
def calendar_head(name: str, refresh_minutes: int) -> bytes:
    """BEGIN:VCALENDAR and the calendar's own properties (RFC 5545 and RFC 7986)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = " ".join(clean_text(name).split())  # one line
    calendar.add("name", Text(name))
    calendar.add("x-wr-calname", Text(name))
    minutes = max(refresh_minutes, 1)
    calendar.add("refresh-interval", timedelta(minutes=minutes), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", f"PT{minutes}M")
    text = calendar.to_ical()
    assert text.endswith(END_CALENDAR)
    return text[: -len(END_CALENDAR)]


@lru_cache(maxsize=256)
def vtimezone_bytes(zone_name: str, first_year: int, last_year: int) -> bytes:
    """A VTIMEZONE for `zone_name` covering the given years, in yearly rules where the zone
    follows one (app.calendar.vtimezone: the form Outlook needs)."""
    return vtimezone(zone_name, date(first_year, 1, 1), date(last_year, 12, 31)).to_ical()
