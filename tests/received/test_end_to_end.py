"""End to end: Brussels' REQUEST appended to the IMAP mailbox (Dovecot) → the fetch job →
a received invitation → accepted in the UI → the REPLY in the outbox and through SMTP
(aiosmtpd); then an update and a CANCEL from the mailbox change the same meeting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import icalendar
import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.core import clock
from app.inbound import tasks
from app.invitations.models import InvitationStatus, ReceivedInvitation
from app.invitations.received_tasks import answer_organisers
from app.meetings.models import Meeting, MeetingStatus
from app.notifications.tasks import deliver_outbox
from app.people.models import Side
from tests.inbound.imap_server import ImapServer, imap_server
from tests.received.messages import ORGANISER, UID, outlook_calendar, outlook_email
from tests.web.conftest import csrf_from, sign_in

START, END = datetime(2027, 10, 31, 10, 0), datetime(2027, 10, 31, 13, 0)


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with imap_server() as server:
        yield server


def mail(sequence: int, number: int, **calendar) -> bytes:
    return outlook_email(
        outlook_calendar(sequence=sequence, **calendar),
        message_id=f"<brussels-{number}@eeas.europa.eu>",
    )


def test_a_brussels_invitation_from_the_mailbox_to_the_organiser_s_reply(
    session, make, client, imap, smtp, mail_settings
):
    settings = mail_settings.replace(
        inbound_imap_host="127.0.0.1",
        inbound_imap_port=imap.port,
        inbound_imap_user=imap.user,
        inbound_imap_password=imap.password,
        inbound_imap_tls=False,
        inbound_imap_allowed_sender_domains=("eeas.europa.eu",),
    )
    make.organisation(Side.UK, code="UK-FCDO")
    meetings_before = session.scalar(select(func.count()).select_from(Meeting))

    imap.append([mail(0, 1, start=START, end=END)])
    assert tasks.fetch_inbound_mail(session, settings, clock.now(), "test") == 1
    received = session.scalars(select(ReceivedInvitation)).one()
    invitation, meeting = received.invitation, received.invitation.meeting
    assert (received.organiser_uid, meeting.status) == (UID, MeetingStatus.TENTATIVE)
    assert meeting.start_utc == datetime(2027, 10, 31, 9, 0, tzinfo=UTC)

    editor = sign_in(client, make.user(Role.EDITOR))
    path = f"/invitations/{invitation.id}/reply"
    answered = editor.post(
        path,
        data={
            "status": "accepted",
            "representative_id": "",
            "scope": "whole",
            "version": str(invitation.version),
            "csrf_token": csrf_from(editor, path),
        },
    )
    assert answered.status_code == 302
    assert invitation.status is InvitationStatus.ACCEPTED
    assert answer_organisers(session, settings, clock.now(), "test") == 1
    server, _port = smtp
    deliver_outbox(session, settings, clock.now(), "test")
    [sent] = server.to(ORGANISER)
    [part] = [p for p in sent.message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REPLY"
    (event,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (UID, 0)
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"

    # The organiser moves it, then cancels it; a copy of the first message changes nothing.
    imap.append(
        [
            mail(1, 2, start=START.replace(hour=15), end=END.replace(hour=18)),
            mail(0, 1, start=START, end=END),
        ]
    )
    tasks.fetch_inbound_mail(session, settings, clock.now(), "test")
    assert meeting.start_utc == datetime(2027, 10, 31, 14, 0, tzinfo=UTC)
    assert received.organiser_sequence == 1
    assert received.changes[0].startswith("Time: ")
    imap.append([mail(2, 3, start=START, end=END, method="CANCEL")])
    tasks.fetch_inbound_mail(session, settings, clock.now(), "test")
    assert meeting.status is MeetingStatus.CANCELLED
    assert session.scalar(select(func.count()).select_from(Meeting)) == meetings_before + 1
    assert imap.unseen() == 0
