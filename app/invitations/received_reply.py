"""The iTIP REPLY (RFC 5546 section 3.2.3) that answers an organiser's REQUEST.

The organiser's calendar matches it by UID and SEQUENCE (theirs, not Entente's), and reads the
attendee's PARTSTAT. Times are given in UTC: a REPLY's times are informative only, and UTC
needs no VTIMEZONE.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address

from icalendar import Calendar, Event, vCalAddress, vText

from app.calendar import PRODID, Text, utc
from app.invitations.models import Invitation, InvitationStatus, ReceivedInvitation
from app.notifications.addresses import one_line

REPLY = "REPLY"
PARTSTAT = {
    InvitationStatus.ACCEPTED: "ACCEPTED",
    InvitationStatus.DECLINED: "DECLINED",
    InvitationStatus.TENTATIVE: "TENTATIVE",
}


def organiser_reply(
    received: ReceivedInvitation,
    invitation: Invitation,
    *,
    attendee: Address,
    comment: str,
    now: datetime,
) -> str:
    """The REPLY for the invitation's current answer, from `attendee`."""
    meeting = invitation.meeting
    event = Event()
    event.add("uid", received.organiser_uid)
    event.add("sequence", received.organiser_sequence)
    event.add("dtstamp", utc(now))
    event.add("dtstart", utc(meeting.start_utc))
    event.add("dtend", utc(meeting.end_utc))
    event.add("summary", Text(one_line(meeting.title, max_length=300)))
    organiser = vCalAddress(f"mailto:{received.organiser_email}")
    if received.organiser_name:
        organiser.params["CN"] = vText(_param(received.organiser_name))
    event.add("organizer", organiser)
    answer = vCalAddress(f"mailto:{attendee.addr_spec}")
    answer.params["PARTSTAT"] = vText(PARTSTAT[invitation.status])
    if attendee.display_name:
        answer.params["CN"] = vText(_param(attendee.display_name))
    event.add("attendee", answer)
    if comment:
        event.add("comment", Text(comment[:2000]))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", REPLY)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def _param(value: str) -> str:
    """A parameter value: one line, no double quote (it cannot stand in a parameter)."""
    return one_line(value).replace('"', "'")
