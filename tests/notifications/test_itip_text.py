"""Hostile meeting text and names in the iTIP part: one event, no smuggled property or
component, the text kept as text (an independent parser, vobject, reads it back)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address

import vobject

from app.feeds.stamp import CalendarStamp
from app.notifications.itip import REQUEST, meeting_itip

TITLE = "Board\r\nBEGIN:VALARM\r\nACTION:AUDIO\r\nEND:VALARM\r\nORGANIZER:mailto:spy@evil.example"


def test_hostile_text_stays_text_in_the_itip_part(make):
    meeting = make.meeting(venue='Room "A"; floor 2, \\N wing', host_city="Brussels")
    make.stored_as(meeting, title=TITLE)  # stored before line breaks were refused
    text = meeting_itip(
        meeting,
        method=REQUEST,
        stamp=CalendarStamp(sequence=0, changed_at=meeting.updated_at),
        organizer=Address("Secretariat", addr_spec="secretariat@entente.example"),
        attendee=Address('Eve"; ROLE=CHAIR:mailto:spy@evil.example', addr_spec="eve@uk.example"),
        rsvp=True,
        now=datetime(2027, 1, 1, tzinfo=UTC),
        url=f"https://entente.example/meetings/{meeting.id}",
    )
    lines = text.replace("\r\n ", "").split("\r\n")
    assert [line for line in lines if line.startswith("BEGIN:")] == [
        "BEGIN:VCALENDAR",
        "BEGIN:VTIMEZONE",
        *[line for line in lines if line in ("BEGIN:STANDARD", "BEGIN:DAYLIGHT")],
        "BEGIN:VEVENT",
    ]
    assert sum(line.startswith("ORGANIZER") for line in lines) == 1
    event = vobject.readOne(text).vevent
    assert event.summary.value == " ".join(TITLE.split())
    assert event.location.value.startswith('Room "A"; floor 2,')
    [attendee] = event.contents["attendee"]
    assert attendee.value == "mailto:eve@uk.example"
    [name] = attendee.params["CN"]  # one parameter value, whatever became of the quote
    assert name.startswith("Eve")
    assert name.endswith("; ROLE=CHAIR:mailto:spy@evil.example")
    assert attendee.params["ROLE"] == ["REQ-PARTICIPANT"]
