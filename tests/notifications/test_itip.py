"""The invitation e-mail as Outlook and Gmail take it: MIME layout, iTIP fields, text, zone."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parseaddr

import icalendar
import time_machine

from app.feeds.stamp import current_stamp
from app.invitations.tasks import send_invitations
from app.meetings.models import Access
from app.notifications.tasks import deliver_outbox
from app.people.models import Side
from tests.feeds.readers import read_feed

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
TITLE = r"Files in C:\New folder; budget, 2030"


def invitation_mail(session, make, smtp, mail_settings, **meeting):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        organisation = make.organisation(Side.UK)
        person = make.person(organisation, email="ann@uk.example", full_name='Ann "Annie" Example')
        created = make.meeting(**meeting)
        make.invitation(created, invitee_id=organisation.id, invitee_person_id=person.id)
        send_invitations(session, mail_settings, T0, "test")
        deliver_outbox(session, mail_settings, T0, "test")
    [item] = server.received
    return created, item.message


def test_an_invitation_is_laid_out_as_outlook_and_gmail_expect(session, make, smtp, mail_settings):
    meeting, message = invitation_mail(session, make, smtp, mail_settings)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    calendar_part = alternative.get_payload()[2]
    assert calendar_part.get_content_charset() == "utf-8"
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_payload(decode=True) == calendar_part.get_payload(decode=True)

    body = calendar_part.get_payload(decode=True)
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar_part.get_param("method") == str(calendar["method"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["organizer"]) == f"mailto:{parseaddr(message['From'])[1]}"
    attendee = event["attendee"]
    assert str(attendee) == "mailto:ann@uk.example"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"
    assert str(event["uid"]) == meeting.uid
    assert int(event["sequence"]) == current_stamp(session, meeting).sequence
    assert "class" not in event  # an internal meeting
    [seen] = read_feed(body)  # icalendar, vobject, recurring-ical-events, ical, ical.js
    assert (seen.uid, seen.start, seen.end) == (meeting.uid, meeting.start_utc, meeting.end_utc)


def test_itip_text_names_link_and_privacy(session, make, smtp, mail_settings):
    meeting, message = invitation_mail(
        session,
        make,
        smtp,
        mail_settings,
        title=TITLE,
        access=Access.RESTRICTED,
        timezone="America/New_York",
        start=datetime(2030, 7, 15, 10, 0),
        end=datetime(2030, 7, 15, 12, 0),
    )
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    body = part.get_payload(decode=True)
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    [seen] = read_feed(body)
    assert seen.summary == TITLE  # a literal backslash-N stays one
    assert seen.start == datetime(2030, 7, 15, 14, 0, tzinfo=UTC)  # EDT, years ahead
    # Outlook shows RFC 6868's ^' as it is
    assert event["attendee"].params["CN"] == "Ann 'Annie' Example"
    assert b"^" not in body
    assert str(event["class"]) == "PRIVATE"  # Outlook hides only Private items' details
    assert str(event["description"]) == f"Meeting page: http://entente.test/meetings/{meeting.id}"
    # the zone as yearly rules (Outlook), no RDATE lists (ical.js reads their first date only)
    (zone,) = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")
    assert b"RDATE" not in body
    assert sorted(sub.name for sub in zone.subcomponents) == ["DAYLIGHT", "STANDARD"]
    assert {str(sub["RRULE"].to_ical(), "ascii") for sub in zone.subcomponents} == {
        "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
        "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
    }
