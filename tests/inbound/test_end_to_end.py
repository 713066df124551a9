"""End to end: the invitation goes out (aiosmtpd), the invitee's client answers to the inbound
mailbox (Dovecot), the job reads it, the pages show it and no reminder chases the answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import select

from app.auth.models import Role
from app.core import clock
from app.inbound.tasks import fetch_inbound_mail
from app.invitations.models import InvitationStatus
from app.invitations.tasks import send_invitations, send_reply_reminders
from app.notifications.models import OutboxMessage
from app.notifications.tasks import deliver_outbox
from tests.inbound.conftest import DEADLINE, invite
from tests.inbound.messages import Answer
from tests.inbound.test_fetch import mailbox_settings
from tests.notifications.smtp_server import Recorder, smtp_server
from tests.web.conftest import sign_in

T0 = datetime(2027, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    with smtp_server() as server:
        yield server


def _request_in(recorder: Recorder, address: str) -> Calendar:
    [received] = recorder.to(address)
    part = next(p for p in received.message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REQUEST"
    return Calendar.from_ical(part.get_content())


def test_a_reply_by_e_mail_shows_on_the_pages_and_stops_the_reminders(
    session, make, imap, smtp, inbound_settings, client
):
    recorder, port = smtp
    settings = mailbox_settings(inbound_settings, imap).replace(
        smtp_port=port, reminder_lead_days=(7,)
    )
    with time_machine.travel(T0, tick=False) as traveller:
        accepted = invite(make, "accepts@uk.example")
        tentative = invite(make, "maybe@uk.example", accepted.meeting)
        silent = invite(make, "silent@uk.example", accepted.meeting)
        assert send_invitations(session, settings, clock.now(), "test") == 3
        assert deliver_outbox(session, settings, clock.now(), "test") == 3
        answers = []
        for invited, partstat, client_name in (
            (accepted, "ACCEPTED", "outlook-windows"),
            (tentative, "TENTATIVE", "apple"),
        ):
            event = _request_in(recorder, invited.address).walk("VEVENT")[0]
            attendee = str(event["ATTENDEE"]).removeprefix("mailto:")
            answers.append(
                Answer(
                    str(event["UID"]),
                    attendee,
                    partstat,
                    sequence=int(event["SEQUENCE"]),
                    organizer=str(event["ORGANIZER"]).removeprefix("mailto:"),
                    client=client_name,
                ).email()
            )
        imap.append(answers)
        traveller.shift(timedelta(minutes=5))
        assert fetch_inbound_mail(session, settings, clock.now(), "test") == 2
        assert accepted.invitation.status is InvitationStatus.ACCEPTED
        assert tentative.invitation.status is InvitationStatus.TENTATIVE

        page = sign_in(client, make.user(Role.VIEWER)).get(f"/meetings/{accepted.meeting.id}")
        html = page.get_data(as_text=True)
        assert "Accepted by e-mail by A Delegate" in html
        assert "Tentative by e-mail by A Delegate" in html

        traveller.move_to(DEADLINE - timedelta(days=7) + timedelta(minutes=1))
        assert send_reply_reminders(session, settings, clock.now(), "test") == 1
        reminded = session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.key.like("reminder:%"))
        ).all()
        assert reminded == [silent.address]
