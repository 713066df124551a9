"""The decision on an invitation from Brussels goes back to the organiser as an iTIP REPLY."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
import pytest
import vobject
from sqlalchemy import select

from app.invitations.models import ReceivedInvitation
from app.invitations.received_tasks import answer_organisers, tell_secretariat
from app.invitations.services import reply_to_invitation, withdraw_invitation
from app.notifications.models import OutboxMessage
from app.notifications.tasks import deliver_outbox
from tests.feeds.readers import read_feed
from tests.received.conftest import NOW
from tests.received.messages import ORGANISER, UID, outlook_calendar
from tests.received.test_receive import AUTUMN, SPRING


@pytest.fixture
def invitation(session, receive):
    receive(outlook_calendar(start=AUTUMN[0], end=AUTUMN[1]))
    return session.scalars(select(ReceivedInvitation)).one().invitation


def replies(session) -> list[OutboxMessage]:
    return list(
        session.scalars(select(OutboxMessage).where(OutboxMessage.calendar_method == "REPLY"))
    )


def reply_event(body: str) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["METHOD"]) == "REPLY"
    (event,) = calendar.walk("VEVENT")
    return event


def test_accepting_sends_the_organiser_a_reply_from_the_representative(
    session, make, invitation, smtp, mail_settings
):
    delegate = make.person(
        invitation.invitee, email="ambassador@ukmission.example", full_name="Catherine Lowe"
    )
    reply_to_invitation(
        session,
        None,
        invitation.id,
        "accepted",
        representative_id=delegate.id,
        note="The Ambassador attends item 3 only.",
    )
    assert answer_organisers(session, mail_settings, NOW, "test") == 1
    assert answer_organisers(session, mail_settings, NOW, "test") == 0  # once

    [row] = replies(session)
    assert row.recipient == ORGANISER
    assert row.subject == f"Accepted: {invitation.meeting.title}"
    event = reply_event(row.calendar)
    assert str(event["UID"]) == UID
    assert int(event["SEQUENCE"]) == 0
    assert str(event["ORGANIZER"]) == f"mailto:{ORGANISER}"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:ambassador@ukmission.example"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert attendee.params["CN"] == "Catherine Lowe"
    assert "Represented by Catherine Lowe." in str(event["COMMENT"])
    assert "item 3 only" in str(event["COMMENT"])
    # Other readers agree on what the REPLY is about (UID, times, title).
    [seen] = read_feed(row.calendar.encode())
    assert (seen.uid, seen.start) == (UID, datetime(2027, 10, 31, 9, 0, tzinfo=UTC))
    parsed = vobject.readOne(row.calendar)
    assert parsed.vevent.attendee.params["PARTSTAT"] == ["ACCEPTED"]

    # Through the real SMTP path: Outlook reads the text/calendar alternative, method=REPLY.
    server, _port = smtp
    deliver_outbox(session, mail_settings, NOW, "test")
    [mail] = server.to(ORGANISER)
    parts = [part for part in mail.message.walk() if part.get_content_type() == "text/calendar"]
    assert parts[0].get_param("method") == "REPLY"
    assert (
        reply_event(parts[0].get_payload(decode=True).decode())["ATTENDEE"].params["PARTSTAT"]
        == "ACCEPTED"
    )


def test_declining_answers_from_the_secretariat_with_the_latest_sequence(
    session, receive, invitation, mail_settings
):
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1], sequence=3))
    reply_to_invitation(session, None, invitation.id, "declined")
    answer_organisers(session, mail_settings, NOW, "test")

    [row] = replies(session)
    event = reply_event(row.calendar)
    assert int(event["SEQUENCE"]) == 3
    assert event["ATTENDEE"].params["PARTSTAT"] == "DECLINED"
    secretariat = mail_settings.secretariat_email or "secretariat@entente.example"
    assert str(event["ATTENDEE"]) == f"mailto:{secretariat}"
    assert row.subject.startswith("Declined: ")


def test_only_the_latest_decision_of_a_sweep_is_sent(session, invitation, mail_settings):
    reply_to_invitation(session, None, invitation.id, "tentative")
    reply_to_invitation(session, None, invitation.id, "accepted")
    assert answer_organisers(session, mail_settings, NOW, "test") == 1
    [row] = replies(session)
    assert reply_event(row.calendar)["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_a_withdrawn_invitation_sends_no_reply(session, invitation, mail_settings):
    reply_to_invitation(session, None, invitation.id, "accepted")
    withdraw_invitation(session, None, invitation.id)
    assert answer_organisers(session, mail_settings, NOW, "test") == 0


def test_an_invitation_of_entente_s_own_sends_no_reply(session, make, mail_settings):
    own = make.invitation()
    reply_to_invitation(session, None, own.id, "accepted")
    assert answer_organisers(session, mail_settings, NOW, "test") == 0


def test_the_secretariat_hears_of_a_new_invitation_an_update_and_a_cancel(
    session, receive, invitation, mail_settings
):
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1], sequence=1))
    # An update that changes nothing Entente keeps (the attendee list): no notice.
    receive(
        outlook_calendar(start=SPRING[0], end=SPRING[1], sequence=2, attendee="other@uk.example")
    )
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1], sequence=3, method="CANCEL"))
    assert tell_secretariat(session, mail_settings, NOW, "test") == 3
    assert tell_secretariat(session, mail_settings, NOW, "test") == 0
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.key.like("received-notice:%"))
        .order_by(OutboxMessage.id)
    ).all()
    title = invitation.meeting.title
    assert [row.subject for row in rows] == [
        f"Invitation received: {title}",
        f"Updated by the organiser: {title}",
        f"Cancelled: {title}",
    ]
    assert (
        "Time: Sun 31 Oct 2027, 10:00–13:00 (Europe/Brussels) → Sun 28 Mar 2027"
        in rows[1].body_text
    )
