"""What the secretariat sees of the answers that are not simply applied: a reply to the version
before a move and a proposed new time are flagged on the pages; a delegation, like any other
answer by e-mail, stops the reminders."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import Role
from app.invitations.tasks import send_reply_reminders
from app.meetings import services as meetings
from app.notifications.models import OutboxMessage
from tests.inbound.conftest import DEADLINE, invite, process, seq
from tests.inbound.messages import Answer
from tests.inbound.test_replies import _later
from tests.web.conftest import sign_in


def test_the_pages_flag_an_answer_to_the_old_version_and_a_proposed_time(
    session, inbound_settings, make, client
):
    late = invite(make, "late@uk.example")
    proposer = invite(make, "proposer@uk.example", late.meeting)
    meeting = late.meeting
    before_move = seq(session, late)
    meetings.move_meeting(session, None, meeting.id, *_later(meeting))
    stale = Answer(meeting.uid, late.address, "ACCEPTED", sequence=before_move)
    counter = Answer(
        meeting.uid,
        proposer.address,
        "TENTATIVE",
        method="COUNTER",
        start="20270506T140000",
        end="20270506T160000",
        comment="Could we meet the next afternoon?",
        client="gmail",
    )
    process(session, inbound_settings, stale.email(), counter.email())

    editor = sign_in(client, make.user(Role.EDITOR))
    page = editor.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "replied to the version before the move" in page
    assert "to an earlier version of this meeting; not applied." in page
    assert "new time proposed" in page
    assert "Could we meet the next afternoon?" in page
    reply_page = editor.get(f"/invitations/{proposer.invitation.id}/reply")
    assert "new time proposed" in reply_page.get_data(as_text=True)


def test_a_delegation_by_e_mail_stops_the_reminders(session, inbound_settings, make):
    delegating = invite(make, "delegating@uk.example")
    silent = invite(make, "silent@uk.example", delegating.meeting)
    make.person(delegating.invitation.invitee, email="deputy@uk.example")
    answer = Answer(
        delegating.meeting.uid,
        delegating.address,
        "DELEGATED",
        delegated_to="deputy@uk.example",
        sequence=seq(session, delegating),
    )
    process(session, inbound_settings, answer.email())
    settings = inbound_settings.replace(reminder_lead_days=(7,))
    when = DEADLINE - timedelta(days=7) + timedelta(minutes=1)
    assert send_reply_reminders(session, settings, when, "test") == 1
    reminded = session.scalars(
        select(OutboxMessage.recipient).where(OutboxMessage.key.like("reminder:%"))
    ).all()
    assert reminded == [silent.address]
