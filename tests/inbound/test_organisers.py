"""Brussels' invitations through the mailbox: a REQUEST appended to Dovecot becomes a received
invitation; its update moves the same meeting and its CANCEL cancels it (app.invitations.
received_calendar does the work; this is the pipeline around it)."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from app.core import clock
from app.inbound.models import InboundMessage, InboundOutcome, QuarantinedMessage
from app.inbound.tasks import fetch_inbound_mail
from app.invitations.models import ReceivedInvitation
from app.meetings.models import MeetingStatus
from app.people.models import Side
from tests.inbound.test_fetch import mailbox_settings
from tests.received.messages import UID, outlook_calendar, outlook_email

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
START, END = datetime(2027, 3, 28, 10, 0), datetime(2027, 3, 28, 13, 0)


def test_a_request_an_update_and_a_cancel_from_brussels_change_one_meeting(
    session, make, imap, inbound_settings
):
    settings = mailbox_settings(inbound_settings, imap).replace(
        inbound_imap_allowed_sender_domains=("eeas.europa.eu",)
    )
    make.organisation(Side.UK, code="UK-FCDO")
    with time_machine.travel(NOW, tick=False):
        imap.append([outlook_email(outlook_calendar(start=START, end=END), message_id="<r1@eeas>")])
        assert fetch_inbound_mail(session, settings, clock.now(), "test") == 1
        record = session.scalars(select(ReceivedInvitation)).one()
        meeting = record.invitation.meeting
        assert record.organiser_uid == UID
        assert meeting.status is MeetingStatus.TENTATIVE
        assert meeting.start_utc == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)

        later = outlook_calendar(
            start=datetime(2027, 3, 29, 10, 0), end=datetime(2027, 3, 29, 13, 0), sequence=1
        )
        cancel = outlook_calendar(start=START, end=END, method="CANCEL", sequence=2)
        imap.append([outlook_email(later, message_id="<r2@eeas>")])
        assert fetch_inbound_mail(session, settings, clock.now(), "test") == 1
        assert meeting.start_utc == datetime(2027, 3, 29, 8, 0, tzinfo=UTC)
        imap.append([outlook_email(cancel, message_id="<r3@eeas>")])
        assert fetch_inbound_mail(session, settings, clock.now(), "test") == 1
        assert meeting.status is MeetingStatus.CANCELLED
    outcomes = session.scalars(select(InboundMessage.outcome).order_by(InboundMessage.id)).all()
    assert outcomes == [InboundOutcome.APPLIED] * 3
    assert imap.unseen() == 0


def test_a_request_from_outside_the_allow_list_is_quarantined(
    session, make, imap, inbound_settings
):
    settings = mailbox_settings(inbound_settings, imap)  # uk.example and eu.example only
    make.organisation(Side.UK, code="UK-FCDO")
    with time_machine.travel(NOW, tick=False):
        imap.append([outlook_email(outlook_calendar(start=START, end=END))])
        assert fetch_inbound_mail(session, settings, clock.now(), "test") == 1
    assert session.scalars(select(ReceivedInvitation)).all() == []
    held = session.scalars(select(QuarantinedMessage)).one()
    assert "outside the allow-list" in held.reason
