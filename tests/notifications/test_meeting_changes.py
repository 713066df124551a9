"""Meeting changes reach participants and invitees once, with an iTIP part their calendar
applies; those who declined hear nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
import vobject
from sqlalchemy import select

from app.agendas.services import AgendaItemInput, update_item
from app.agendas.versions import circulate
from app.feeds.stamp import current_stamp
from app.invitations.models import Invitation
from app.invitations.services import reply_to_invitation, withdraw_invitation
from app.invitations.tasks import send_invitations
from app.meetings.delegations import add_participant
from app.meetings.services import cancel_meeting, input_from, move_meeting, update_meeting
from app.meetings.tasks import notify_meeting_changes
from app.notifications.tasks import deliver_outbox
from app.people.models import Side

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def calendar_of(item):
    part = next(p for p in item.message.walk() if p.get_content_type() == "text/calendar")
    return part.get_param("method"), vobject.readOne(part.get_content())


def setup_meeting(make, session):
    meeting = make.meeting()
    uk, eu = make.organisation(Side.UK), make.organisation(Side.EU)
    delegate = make.person(uk, email="delegate@uk.example", full_name="Dee Legate")
    add_participant(session, None, meeting.id, delegate.id)
    invited = make.person(uk, email="invited@uk.example")
    make.invitation(meeting, inviter_id=eu.id, invitee_id=uk.id, invitee_person_id=invited.id)
    other_uk = make.organisation(Side.UK)
    declined = make.person(other_uk, email="declined@uk.example")
    refusal = make.invitation(
        meeting, inviter_id=eu.id, invitee_id=other_uk.id, invitee_person_id=declined.id
    )
    reply_to_invitation(session, None, refusal.id, "declined")
    return meeting


def sweep(session, settings, now):
    queued = notify_meeting_changes(session, settings, now, "test")
    session.commit()
    deliver_outbox(session, settings, now, "test")
    return queued


def test_moved_then_cancelled_reaches_each_attendee_once(session, make, smtp, mail_settings):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        meeting = setup_meeting(make, session)
        assert sweep(session, mail_settings, T0) == 1  # the delegate hears they were added
        [added] = server.to("delegate@uk.example")
        assert calendar_of(added)[0] == "REQUEST"

        move_meeting(
            session, None, meeting.id, datetime(2027, 3, 18, 14, 0), datetime(2027, 3, 18, 16, 0)
        )
        assert sweep(session, mail_settings, T0) == 2
        assert sweep(session, mail_settings, T0) == 0
        moved = server.to("invited@uk.example")[-1]
        assert moved.message["Subject"].startswith("Moved: ")
        body = moved.message.get_body(("plain",)).get_content()
        assert "It was: Tue 16 Mar 2027, 10:00" in body
        assert "Thu 18 Mar 2027, 14:00–16:00" in body
        method, calendar = calendar_of(moved)
        assert method == "REQUEST"
        assert calendar.vevent.uid.value == meeting.uid
        assert int(calendar.vevent.sequence.value) == current_stamp(session, meeting).sequence
        assert calendar.vevent.dtstart.value == meeting.start_utc

        cancel_meeting(session, None, meeting.id, reason="Overtaken by events")
        assert sweep(session, mail_settings, T0) == 2
        assert sweep(session, mail_settings, T0 + timedelta(hours=1)) == 0

    cancelled = server.to("delegate@uk.example")[-1]
    method, calendar = calendar_of(cancelled)
    assert method == "CANCEL"
    assert calendar.method.value == "CANCEL"
    assert calendar.vevent.status.value == "CANCELLED"
    assert calendar.vevent.uid.value == meeting.uid
    assert int(calendar.vevent.sequence.value) == current_stamp(session, meeting).sequence
    assert [len(server.to(a)) for a in ("delegate@uk.example", "invited@uk.example")] == [3, 2]
    assert server.to("declined@uk.example") == []


def test_changes_between_sweeps_make_one_message(session, make, smtp, mail_settings):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        meeting = setup_meeting(make, session)
        sweep(session, mail_settings, T0)
        data = input_from(meeting)
        data.venue = "Chevening House"
        update_meeting(session, None, meeting.id, data)
        move_meeting(
            session, None, meeting.id, datetime(2027, 3, 17, 10, 0), datetime(2027, 3, 17, 12, 0)
        )
        assert sweep(session, mail_settings, T0) == 2
    latest = server.to("invited@uk.example")
    assert len(latest) == 1
    assert "Chevening House" in latest[0].message.get_body(("plain",)).get_content()


def test_changes_to_past_meetings_are_not_announced(session, make, smtp, mail_settings):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        meeting = setup_meeting(make, session)  # invited before the meeting (no one is after)
    with time_machine.travel(datetime(2027, 3, 20, tzinfo=UTC), tick=False):
        data = input_from(meeting)  # 16 March: already over
        data.venue = "Elsewhere"
        update_meeting(session, None, meeting.id, data)
        assert sweep(session, mail_settings, datetime(2027, 3, 20, tzinfo=UTC)) == 0
    assert server.received == []


def test_a_recirculated_agenda_is_announced_with_its_changes(session, make, smtp, mail_settings):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        meeting = setup_meeting(make, session)
        item = make.item(meeting, "Russia")
        sweep(session, mail_settings, T0)
        circulate(session, None, meeting.id)  # the first circulation: no change to announce
        assert sweep(session, mail_settings, T0) == 0
        update_item(session, None, item.id, AgendaItemInput(title="Russia and Ukraine"))
        circulate(session, None, meeting.id, final=True)
        assert sweep(session, mail_settings, T0) == 2
    [message] = [m.message for m in server.to("invited@uk.example")]
    assert message["Subject"] == f"Agenda re-circulated: {meeting.title}"
    body = message.get_body(("plain",)).get_content()
    assert "re-circulated (version 2)" in body
    assert "Russia and Ukraine" in body
    assert not [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert server.to("declined@uk.example") == []


def test_a_withdrawn_invitation_cancels_the_invited_persons_entry(
    session, make, smtp, mail_settings
):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        meeting = setup_meeting(make, session)
        send_invitations(session, mail_settings, T0, "test")
        sweep(session, mail_settings, T0)
        [invitation_mail] = server.to("invited@uk.example")
        assert calendar_of(invitation_mail)[0] == "REQUEST"
        invitation = session.scalar(
            select(Invitation).where(
                Invitation.meeting_id == meeting.id, Invitation.status == "invited"
            )
        )
        withdraw_invitation(session, None, invitation.id)
        assert sweep(session, mail_settings, T0) == 1
        assert sweep(session, mail_settings, T0) == 0
    [_, cancel] = server.to("invited@uk.example")
    assert cancel.message["Subject"] == f"Invitation withdrawn: {meeting.title}"
    method, calendar = calendar_of(cancel)
    assert method == "CANCEL"
    assert calendar.vevent.uid.value == meeting.uid
    assert calendar.vevent.attendee.value == "mailto:invited@uk.example"
    assert len(server.to("delegate@uk.example")) == 1  # only the earlier "added" message
