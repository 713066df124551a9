"""Outgoing fixes found in review (issue 14, part 4): RSVP on updates to those who have not
answered, no "Updated" to a new invitee for a change made before their invitation, "Postponed"
for a postponement, and 8-bit text only to a server that offers 8BITMIME."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from app.invitations.services import reply_to_invitation
from app.invitations.tasks import send_invitations
from app.meetings.models import MeetingStatus
from app.meetings.services import input_from, move_meeting, update_meeting
from app.meetings.tasks import notify_meeting_changes
from app.notifications.tasks import deliver_outbox
from app.people.models import Side
from tests.notifications.smtp_server import Recorder, smtp_server
from tests.notifications.test_meeting_changes import calendar_of

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _invite(make, meeting, address):
    uk, eu = make.organisation(Side.UK), make.organisation(Side.EU)
    person = make.person(uk, email=address)
    return make.invitation(meeting, inviter_id=eu.id, invitee_id=uk.id, invitee_person_id=person.id)


def _send_all(session, settings):
    send_invitations(session, settings, T0, "test")
    notify_meeting_changes(session, settings, T0, "test")
    session.commit()
    deliver_outbox(session, settings, T0, "test")


def _rsvp(item) -> str:
    _method, calendar = calendar_of(item)
    return calendar.vevent.attendee.params["RSVP"][0]


def test_an_update_asks_for_a_reply_from_whoever_has_not_answered(
    session, make, smtp, mail_settings
):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        meeting = make.meeting()
        _invite(make, meeting, "silent@uk.example")
        answered = _invite(make, meeting, "answered@uk.example")
        _send_all(session, mail_settings)
        reply_to_invitation(session, None, answered.id, "accepted")
        move_meeting(
            session, None, meeting.id, datetime(2027, 3, 18, 14, 0), datetime(2027, 3, 18, 16, 0)
        )
        _send_all(session, mail_settings)
    moved = {a: server.to(a)[-1] for a in ("silent@uk.example", "answered@uk.example")}
    assert all(item.message["Subject"].startswith("Moved: ") for item in moved.values())
    assert _rsvp(moved["silent@uk.example"]) == "TRUE"
    assert _rsvp(moved["answered@uk.example"]) == "FALSE"


@pytest.mark.parametrize("changes_first", [True, False])
def test_a_new_invitee_gets_no_update_for_a_change_made_before_their_invitation(
    session, make, smtp, mail_settings, changes_first
):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        meeting = make.meeting()
        _invite(make, meeting, "early@uk.example")
        _send_all(session, mail_settings)
        move_meeting(
            session, None, meeting.id, datetime(2027, 3, 18, 14, 0), datetime(2027, 3, 18, 16, 0)
        )
        _invite(make, meeting, "late@uk.example")
        sweeps = [send_invitations, notify_meeting_changes]
        for task in sweeps if not changes_first else reversed(sweeps):
            task(session, mail_settings, T0, "test")
        session.commit()
        deliver_outbox(session, mail_settings, T0, "test")
    late = server.to("late@uk.example")
    assert [item.message["Subject"].split(":")[0] for item in late] == ["Invitation"]
    assert server.to("early@uk.example")[-1].message["Subject"].startswith("Moved: ")


@pytest.mark.parametrize("moved_too", [False, True])
def test_a_postponement_made_in_the_edit_form_says_postponed(
    session, make, smtp, mail_settings, moved_too
):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        meeting = make.meeting()
        _invite(make, meeting, "invited@uk.example")
        _send_all(session, mail_settings)
        data = input_from(meeting)
        data.status = MeetingStatus.POSTPONED
        if moved_too:
            data.start, data.end = datetime(2027, 6, 1, 10, 0), datetime(2027, 6, 1, 12, 0)
        update_meeting(session, None, meeting.id, data)
        _send_all(session, mail_settings)
    latest = server.to("invited@uk.example")[-1].message
    assert latest["Subject"].startswith("Postponed: ")
    assert "postponed" in latest.get_body(("plain",)).get_content()


@pytest.fixture
def seven_bit_smtp() -> Iterator[tuple[Recorder, int]]:
    with smtp_server(eight_bit=False) as server:
        yield server


TITLE = "Réunion à Zürich — Ελλάδα"


def test_non_ascii_text_is_encoded_for_a_server_without_8bitmime(
    session, make, seven_bit_smtp, mail_settings
):
    server, port = seven_bit_smtp
    settings = mail_settings.replace(smtp_port=port)
    with time_machine.travel(T0, tick=False):
        _invite(make, make.meeting(title=TITLE), "invited@uk.example")
        _send_all(session, settings)
    [item] = server.to("invited@uk.example")
    assert item.data.isascii()
    assert "BODY=8BITMIME" not in item.mail_options
    assert TITLE in item.message.get_body(("plain",)).get_content()
    assert TITLE in calendar_of(item)[1].vevent.summary.value


def test_non_ascii_text_goes_as_8bitmime_to_a_server_that_offers_it(
    session, make, smtp, mail_settings
):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        _invite(make, make.meeting(title=TITLE), "invited@uk.example")
        _send_all(session, mail_settings)
    [item] = server.to("invited@uk.example")
    assert not item.data.isascii()
    assert "BODY=8BITMIME" in item.mail_options
    assert TITLE in item.message.get_body(("plain",)).get_content()
