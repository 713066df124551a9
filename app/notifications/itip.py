"""iTIP (RFC 5546) objects for e-mail: REQUEST to add or move an entry, CANCEL to remove it.

The UID is the meeting's own (the same as in the calendar feeds); SEQUENCE and LAST-MODIFIED
are those the feeds show at the time (app.feeds.stamp: SEQUENCE rises with every change a
calendar shows, the attendee list included), so a client replaces the entry it already has
instead of adding a second one, and never prefers a feed's copy to a newer message or the
other way round.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from app.calendar import PRODID, Text, local_or_utc, utc, vtimezone
from app.feeds.stamp import CalendarStamp
from app.meetings.models import Access, Meeting, MeetingStatus
from app.notifications.addresses import one_line

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def meeting_itip(
    meeting: Meeting,
    *,
    method: str,
    stamp: CalendarStamp,
    organizer: Address,
    attendee: Address,
    rsvp: bool,
    now: datetime,
    url: str,
) -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = _event(meeting, method, stamp, now, url)
    event.add("organizer", _address(organizer, {}))
    event.add(
        "attendee",
        _address(
            attendee,
            {
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "TRUE" if rsvp else "FALSE",
            },
        ),
    )
    calendar.add_component(_vtimezone(meeting))
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def _event(meeting: Meeting, method: str, stamp: CalendarStamp, now: datetime, url: str) -> Event:
    """The meeting as the attendee's calendar keeps it. Text goes through app.calendar's `Text`
    (icalendar's own escaping turns a literal backslash-N into a line break). DTSTAMP is when
    this message was made (RFC 5546); SEQUENCE and LAST-MODIFIED are the feeds' own."""
    zone = ZoneInfo(meeting.timezone)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", stamp.sequence)
    event.add("dtstamp", now)
    event.add("last-modified", utc(stamp.changed_at))
    event.add("dtstart", local_or_utc(meeting.start_utc, zone))
    event.add("dtend", local_or_utc(meeting.end_utc, zone))
    title = one_line(meeting.title, max_length=300)
    if meeting.status is MeetingStatus.POSTPONED:
        title = f"Postponed: {title}"
    event.add("summary", Text(title))
    location = ", ".join(part for part in (meeting.venue, meeting.host_city) if part)
    if location:
        event.add("location", Text(one_line(location, max_length=400)))
    # Google Calendar and Outlook show no URL property: the link goes in the description too.
    event.add("description", Text(f"Meeting page: {url}"))
    event.add("status", _status(meeting, method))
    if meeting.access is Access.RESTRICTED:
        # Outlook keeps a Private item's details from those who share the calendar (and marks
        # the attendee's copy Private); Google and Apple read it as private too.
        event.add("class", "PRIVATE")
    event.add("url", url)
    return event


def _vtimezone(meeting: Meeting) -> Timezone:
    """The zone's rules around the meeting (app.calendar.vtimezone: yearly rules, as Outlook
    needs; not the long 1970-2038 history, which readers such as vobject misread)."""
    return vtimezone(meeting.timezone, meeting.start_utc.date(), meeting.end_utc.date())


def _status(meeting: Meeting, method: str) -> str:
    if method == CANCEL or meeting.status is MeetingStatus.CANCELLED:
        return "CANCELLED"
    return "CONFIRMED" if meeting.status is MeetingStatus.CONFIRMED else "TENTATIVE"


def _address(address: Address, params: dict[str, str]) -> vCalAddress:
    value = vCalAddress(f"mailto:{address.addr_spec}")
    if address.display_name:
        # A double quote cannot stand in a parameter: RFC 6868 writes it ^', which Outlook
        # shows as it is; an apostrophe reads the same.
        value.params["CN"] = vText(one_line(address.display_name).replace('"', "'"))
    for name, param in params.items():
        value.params[name] = vText(param)
    return value
