"""METHOD:REPLY and COUNTER from each client update (or are shown on) the invitation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.inbound.models import EmailReply, InboundOutcome, QuarantinedMessage
from app.invitations.models import InvitationStatus
from app.meetings import services as meetings
from tests.inbound.conftest import invite, process, seq
from tests.inbound.messages import CLIENTS, Answer

STATUSES = {
    "ACCEPTED": InvitationStatus.ACCEPTED,
    "DECLINED": InvitationStatus.DECLINED,
    "TENTATIVE": InvitationStatus.TENTATIVE,
}


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("partstat", sorted(STATUSES))
def test_each_clients_reply_updates_the_invitation(
    session, inbound_settings, invited, client, partstat
):
    answer = Answer(
        invited.meeting.uid,
        invited.address,
        partstat,
        client=client,
        sequence=seq(session, invited),
    )
    [row] = process(session, inbound_settings, answer.email())
    assert row.outcome is InboundOutcome.APPLIED, row.summary
    invitation = invited.invitation
    assert invitation.status is STATUSES[partstat]
    assert invitation.replied_at is not None
    assert invitation.reply_note == f"By e-mail from {invited.address}"
    reply = session.scalars(select(EmailReply)).one()
    assert (reply.attendee, reply.partstat, reply.applied, reply.stale) == (
        invited.address,
        partstat,
        True,
        False,
    )
    entry = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_type == "invitation",
            AuditEntry.entity_id == invitation.id,
            AuditEntry.action == f"invitation.{partstat.lower()}",
        )
    ).one()
    assert entry.changes["by"] == "e-mail"
    assert entry.actor_id is None


def test_a_delegation_is_recorded_and_names_the_delegate(session, inbound_settings, invited, make):
    invitee = invited.invitation.invitee
    deputy = make.person(invitee, email="Deputy@uk.example", full_name="Dee Puty")
    answer = Answer(
        invited.meeting.uid,
        invited.address,
        "DELEGATED",
        delegated_to="deputy@uk.example",
        sequence=seq(session, invited),
    )
    [row] = process(session, inbound_settings, answer.email())
    assert row.outcome is InboundOutcome.APPLIED
    reply = session.scalars(select(EmailReply)).one()
    assert (reply.partstat, reply.delegated_to, reply.applied) == (
        "DELEGATED",
        "deputy@uk.example",
        True,
    )
    invitation = invited.invitation
    assert invitation.status is InvitationStatus.INVITED  # the secretariat settles it
    assert invitation.representative_id == deputy.id
    assert invitation.replied_at is not None
    assert "to deputy@uk.example" in invitation.reply_note
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "invitation.delegated")
    ).one()
    assert entry.changes["by"] == "e-mail"


def test_a_reply_to_the_version_before_the_move_is_recorded_not_applied(
    session, inbound_settings, invited
):
    meeting = invited.meeting
    meetings.move_meeting(session, None, meeting.id, *_later(meeting))
    current = seq(session, invited)
    answer = Answer(meeting.uid, invited.address, "ACCEPTED", sequence=current - 1)
    [row] = process(session, inbound_settings, answer.email())
    assert row.outcome is InboundOutcome.RECORDED
    reply = session.scalars(select(EmailReply)).one()
    assert reply.stale
    assert not reply.applied
    assert invited.invitation.status is InvitationStatus.INVITED
    # The same answer to the current version applies.
    answer = Answer(meeting.uid, invited.address, "ACCEPTED", sequence=current)
    [row] = process(session, inbound_settings, answer.email())
    assert row.outcome is InboundOutcome.APPLIED
    assert invited.invitation.status is InvitationStatus.ACCEPTED


def _later(meeting):
    from datetime import timedelta

    from app.core.timezones import utc_to_local

    start = utc_to_local(meeting.start_utc, meeting.timezone).replace(tzinfo=None)
    end = utc_to_local(meeting.end_utc, meeting.timezone).replace(tzinfo=None)
    return start + timedelta(days=1), end + timedelta(days=1)


@pytest.mark.parametrize("client", CLIENTS)
def test_a_counter_proposal_is_shown_never_applied(session, inbound_settings, invited, client):
    meeting = invited.meeting
    before = (meeting.start_utc, meeting.end_utc, meeting.sequence)
    answer = Answer(
        meeting.uid,
        invited.address,
        "TENTATIVE",
        method="COUNTER",
        start="20270505T140000",
        end="20270505T160000",
        comment="Could we meet the next afternoon?",
        client=client,
    )
    [row] = process(session, inbound_settings, answer.email())
    assert row.outcome is InboundOutcome.RECORDED
    reply = session.scalars(select(EmailReply)).one()
    assert reply.kind.value == "counter"
    assert not reply.applied
    assert reply.proposed_start_utc.isoformat() == "2027-05-05T13:00:00+00:00"
    assert reply.comment == "Could we meet the next afternoon?"
    assert (meeting.start_utc, meeting.end_utc, meeting.sequence) == before
    assert invited.invitation.status is InvitationStatus.INVITED


def test_the_same_reply_under_another_message_id_counts_once(session, inbound_settings, invited):
    answer = Answer(
        invited.meeting.uid, invited.address, "DECLINED", sequence=seq(session, invited)
    )
    first = answer.email()
    answer.message_id = "<forwarded-copy@uk.example>"
    rows = process(session, inbound_settings, first, answer.email())
    assert [row.outcome for row in rows] == [InboundOutcome.APPLIED, InboundOutcome.DUPLICATE]
    assert process(session, inbound_settings, first) == []  # the same Message-ID: skipped
    assert session.scalars(select(EmailReply)).all().__len__() == 1


def test_a_change_of_mind_on_the_same_version_is_applied(session, inbound_settings, invited):
    """Accept, then decline the same version: two answers, told apart by their DTSTAMP."""
    current = seq(session, invited)
    first, later = datetime(2027, 4, 1, 9, 0, tzinfo=UTC), datetime(2027, 4, 1, 9, 5, tzinfo=UTC)
    accept = Answer(invited.meeting.uid, invited.address, "ACCEPTED", sequence=current, stamp=first)
    decline = Answer(
        invited.meeting.uid, invited.address, "DECLINED", sequence=current, stamp=later
    )
    rows = process(session, inbound_settings, accept.email(), decline.email())
    assert [row.outcome for row in rows] == [InboundOutcome.APPLIED, InboundOutcome.APPLIED]
    assert invited.invitation.status is InvitationStatus.DECLINED


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"uid": "no-such-uid@entente.example"}, "Unknown UID"),
        ({"attendee": "stranger@uk.example"}, "was not invited"),
        ({"organizer": "someone@eu.example"}, "is not the secretariat"),
        ({"sender": "other@uk.example"}, "not from the attendee"),
        ({"partstat": "NEEDS-ACTION"}, "ACCEPTED, DECLINED, TENTATIVE or DELEGATED"),
    ],
)
def test_replies_that_match_no_invitation_are_quarantined(
    session, inbound_settings, invited, change, reason
):
    values = {
        "uid": invited.meeting.uid,
        "attendee": invited.address,
        "sequence": seq(session, invited),
        **change,
    }
    [row] = process(session, inbound_settings, Answer(**values).email())
    assert row.outcome is InboundOutcome.QUARANTINED
    held = session.scalars(select(QuarantinedMessage)).one()
    assert reason in held.reason
    assert invited.invitation.status is InvitationStatus.INVITED
    assert session.scalars(select(EmailReply)).all() == []


def test_one_batch_matches_many_replies(session, inbound_settings, make, invited):
    others = [invite(make, f"person{n}@uk.example", invited.meeting) for n in range(5)]
    current = seq(session, invited)
    raws = [
        Answer(o.meeting.uid, o.address, "ACCEPTED", sequence=current).email()
        for o in [invited, *others]
    ]
    rows = process(session, inbound_settings, *raws)
    assert {row.outcome for row in rows} == {InboundOutcome.APPLIED}
    assert {o.invitation.status for o in [invited, *others]} == {InvitationStatus.ACCEPTED}
