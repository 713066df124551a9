"""Reply reminders: once per lead time, only to open invitations, across DST, after downtime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from app.invitations.services import reply_to_invitation, withdraw_invitation
from app.invitations.tasks import send_reply_reminders
from app.meetings.services import move_meeting
from app.notifications.models import OutboxMessage, OutboxStatus
from app.notifications.tasks import deliver_outbox
from app.people.models import Side

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
DEADLINE = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)  # 17:00 in London (GMT)


def invite(make, meeting, email, **overrides):
    organisation = make.organisation(Side.UK)
    person = make.person(organisation, email=email, full_name=email.split("@")[0].title())
    return make.invitation(
        meeting,
        invitee_id=organisation.id,
        invitee_person_id=person.id,
        reply_deadline=overrides.pop("reply_deadline", DEADLINE),
        **overrides,
    )


def sweep_and_send(session, settings, now):
    queued = send_reply_reminders(session, settings, now, "test")
    session.commit()
    deliver_outbox(session, settings, now, "test")
    return queued


def test_each_reminder_once_per_lead_and_only_to_open_invitations(
    session, make, smtp, mail_settings
):
    server, _ = smtp
    with time_machine.travel(T0, tick=False) as traveller:
        meeting = make.meeting()
        open_one = invite(make, meeting, "open@uk.example")
        tentative = invite(make, meeting, "maybe@uk.example")
        declined = invite(make, meeting, "no@uk.example")
        withdrawn = invite(make, meeting, "gone@uk.example")
        accepted = invite(make, meeting, "yes@uk.example")
        reply_to_invitation(session, None, tentative.id, "tentative")
        reply_to_invitation(session, None, declined.id, "declined")
        reply_to_invitation(session, None, accepted.id, "accepted")
        withdraw_invitation(session, None, withdrawn.id)

        assert sweep_and_send(session, mail_settings, T0) == 0
        # One minute before the 7-day point: nothing; at it: one each to the two open ones.
        traveller.move_to(DEADLINE - timedelta(days=7, minutes=1))
        assert sweep_and_send(session, mail_settings, DEADLINE - timedelta(days=7, minutes=1)) == 0
        for minutes in (0, 1, 60):  # the sweep runs again and again: still one each
            traveller.move_to(DEADLINE - timedelta(days=7) + timedelta(minutes=minutes))
            sweep_and_send(session, mail_settings, DEADLINE - timedelta(days=7, minutes=-minutes))
        assert [len(server.to(a)) for a in ("open@uk.example", "maybe@uk.example")] == [1, 1]

        for moment in (DEADLINE - timedelta(days=2), DEADLINE - timedelta(hours=1), DEADLINE):
            traveller.move_to(moment)
            sweep_and_send(session, mail_settings, moment)

    assert len(server.to("open@uk.example")) == 2
    assert len(server.to("maybe@uk.example")) == 2
    for address in ("no@uk.example", "gone@uk.example", "yes@uk.example"):
        assert server.to(address) == []
    subjects = [item.message["Subject"] for item in server.to("open@uk.example")]
    assert all(subject.startswith("Reply needed by 01 Mar") for subject in subjects)
    assert (
        "7 days left" in server.to("open@uk.example")[0].message.get_body(("plain",)).get_content()
    )
    assert (
        "2 days left" in server.to("open@uk.example")[1].message.get_body(("plain",)).get_content()
    )
    assert open_one.id != accepted.id


def test_lead_days_are_local_days_across_the_dst_change(session, make, smtp, mail_settings):
    """Deadline 2 April 17:00 in Brussels (CEST); 7 days earlier is 26 March 17:00 CET, i.e.
    16:00 UTC, an hour later than 7 × 24 hours before (15:00 UTC)."""
    server, _ = smtp
    deadline = datetime(2027, 4, 2, 15, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC), tick=False) as traveller:
        meeting = make.meeting(
            start=datetime(2027, 4, 20, 10, 0),
            end=datetime(2027, 4, 20, 12, 0),
            timezone="Europe/Brussels",
        )
        invite(make, meeting, "dst@uk.example", reply_deadline=deadline)
        for moment, expected in (
            (datetime(2027, 3, 26, 15, 0, tzinfo=UTC), 0),
            (datetime(2027, 3, 26, 15, 59, tzinfo=UTC), 0),
            (datetime(2027, 3, 26, 16, 0, tzinfo=UTC), 1),
        ):
            traveller.move_to(moment)
            assert sweep_and_send(session, mail_settings, moment) == expected
    assert len(server.to("dst@uk.example")) == 1


def test_after_downtime_only_the_nearest_reminder_goes_out(session, make, smtp, mail_settings):
    """The scheduler was down across both lead times: one reminder (2 days), not two."""
    server, _ = smtp
    with time_machine.travel(T0, tick=False) as traveller:
        meeting = make.meeting()
        invitation = invite(make, meeting, "late@uk.example")
        traveller.move_to(DEADLINE - timedelta(days=1))
        assert sweep_and_send(session, mail_settings, DEADLINE - timedelta(days=1)) == 1
        assert sweep_and_send(session, mail_settings, DEADLINE - timedelta(days=1)) == 0
    assert len(server.to("late@uk.example")) == 1
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.key.like(f"reminder:{invitation.id}:%"))
    ).all()
    assert sorted((row.key.rsplit(":", 1)[1], row.status) for row in rows) == [
        ("2", OutboxStatus.SENT),
        ("7", OutboxStatus.SKIPPED),
    ]


def test_a_moved_deadline_does_not_repeat_a_sent_reminder(session, make, smtp, mail_settings):
    """Reminders are keyed on (invitation, lead): the meeting moving a week later shifts the
    deadline, but the 7-day reminder already sent is not sent again."""
    server, _ = smtp
    with time_machine.travel(T0, tick=False) as traveller:
        meeting = make.meeting()
        invitation = invite(make, meeting, "moved@uk.example")
        moment = DEADLINE - timedelta(days=7)
        traveller.move_to(moment)
        assert sweep_and_send(session, mail_settings, moment) == 1
        move_meeting(
            session, None, meeting.id, datetime(2027, 3, 23, 10, 0), datetime(2027, 3, 23, 13, 0)
        )
        session.refresh(invitation)
        assert invitation.reply_deadline == DEADLINE + timedelta(days=7)
        for later in (moment + timedelta(days=7), moment + timedelta(days=8)):
            traveller.move_to(later)
            sweep_and_send(session, mail_settings, later)
        # The 2-day reminder relative to the new deadline still comes, once.
        final = invitation.reply_deadline - timedelta(days=2)
        traveller.move_to(final)
        sweep_and_send(session, mail_settings, final)
    assert len(server.to("moved@uk.example")) == 2


def test_no_reminder_when_invited_after_the_reminder_point(session, make, smtp, mail_settings):
    server, _ = smtp
    with time_machine.travel(DEADLINE - timedelta(days=5), tick=False) as traveller:
        meeting = make.meeting()
        invite(make, meeting, "new@uk.example")
        assert sweep_and_send(session, mail_settings, DEADLINE - timedelta(days=5)) == 0
        traveller.move_to(DEADLINE - timedelta(days=2))
        assert sweep_and_send(session, mail_settings, DEADLINE - timedelta(days=2)) == 1
    assert len(server.to("new@uk.example")) == 1
