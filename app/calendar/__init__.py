"""Calendar primitives shared by the feeds (app.feeds.ical) and the iTIP e-mail parts
(app.notifications.itip): the product identifier, the TEXT value, how a moment is written
(wall clock with its TZID, or UTC where the wall clock is ambiguous or out of range) and the
VTIMEZONE components (app.calendar.vtimezone). It knows no domain: both callers import it,
so a feed and a message write the same thing the same way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import vText

from app.calendar.vtimezone import vtimezone

__all__ = ["PRODID", "Text", "local_or_utc", "utc", "vtimezone"]

PRODID = "-//Entente//UK-EU partnership secretariat//EN"


class Text(vText):
    """A TEXT value escaped exactly as RFC 5545 section 3.3.11 says. (icalendar's own escaping
    also reads a literal backslash-N in user text as a line break.)"""

    def to_ical(self) -> bytes:
        value = str(self)
        for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
            value = value.replace(raw, escaped)
        return value.encode("utf-8")


def local_or_utc(moment: datetime, zone: ZoneInfo) -> datetime:
    """How to write `moment` for DTSTART/DTEND: wall-clock time in `zone` (icalendar adds its
    TZID), except in the repeated hour when clocks go back: RFC 5545 says such a time means
    its first occurrence, but readers disagree (vobject takes the second), so there the
    unambiguous UTC form is written instead, as it is for a time so close to year 1 or 9999
    that the zone's wall clock falls outside the calendar."""
    try:
        local = moment.astimezone(zone)
        local.replace(fold=1).utcoffset()
    except OverflowError:
        return utc(moment)
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return utc(moment)
    return local


def utc(moment: datetime) -> datetime:
    """`moment` (aware) in UTC: the form DTSTAMP and LAST-MODIFIED must take."""
    return moment.astimezone(UTC)
