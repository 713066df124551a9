from datetime import UTC, datetime, timedelta

import pytest

from app.core.errors import DuplicateError, InvalidTransition, StaleVersion, ValidationError
from app.invitations import services as invitations
from app.invitations.models import InvitationStatus
from app.meetings import services as meetings
from app.people.models import Side
from tests.helpers import unchanged


def _sides(make):
    return {
        "inviter_id": make.organisation(Side.EU).id,
        "invitee_id": make.organisation(Side.UK).id,
    }


def test_issue_records_scope_deadline_and_audit(make, session):
    meeting = make.meeting()
    item = make.item(meeting, "Exchange of views with the United Kingdom")
    deadline = meeting.start_utc - timedelta(days=7)
    invitation = make.invitation(
        meeting, scope="items", agenda_item_ids=[item.id], reply_deadline=deadline
    )
    assert invitation.status is InvitationStatus.INVITED
    assert [i.title for i in invitation.agenda_items] == [
        "Exchange of views with the United Kingdom"
    ]
    assert invitation.reply_deadline == deadline


def test_invitation_to_a_cancelled_meeting_is_refused(make, session):
    meeting = make.meeting()
    sides = _sides(make)
    meetings.cancel_meeting(session, None, meeting.id)
    with unchanged(session), pytest.raises(InvalidTransition, match="cancelled meeting"):
        make.invitation(meeting, **sides)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"scope": "items"}, "agenda_item_ids"),
        ({"scope": "dinner"}, "scope"),
        ({"reply_deadline": datetime(2027, 3, 16, 11, tzinfo=UTC)}, "reply_deadline"),
        ({"reply_deadline": datetime(2027, 3, 1, 11)}, "reply_deadline"),
    ],
)
def test_bad_invitations_are_refused_and_change_nothing(make, session, overrides, field):
    meeting = make.meeting()
    sides = _sides(make)
    with unchanged(session), pytest.raises(ValidationError) as error:
        make.invitation(meeting, **sides, **overrides)
    assert error.value.field == field


def test_organisation_cannot_invite_itself_or_twice(make, session):
    meeting = make.meeting()
    eu, uk = make.organisation(Side.EU), make.organisation(Side.UK)
    with unchanged(session), pytest.raises(ValidationError, match="itself"):
        make.invitation(meeting, inviter_id=uk.id, invitee_id=uk.id)
    make.invitation(meeting, inviter_id=eu.id, invitee_id=uk.id)
    with unchanged(session), pytest.raises(DuplicateError, match="already has an open invitation"):
        make.invitation(meeting, inviter_id=eu.id, invitee_id=uk.id)


def test_accepting_a_declined_invitation_while_a_newer_one_stands_is_refused(make, session):
    """The database keeps one standing invitation per invitee and meeting (uq_invitations_open):
    re-accepting an old declined one beside a newer open one is a clear 409, not a 500."""
    meeting = make.meeting()
    sides = _sides(make)
    old = make.invitation(meeting, **sides)
    invitations.reply_to_invitation(session, None, old.id, "declined")
    make.invitation(meeting, **sides)
    with (
        pytest.raises(DuplicateError, match="already has an open invitation") as error,
        session.begin_nested(),
    ):
        invitations.reply_to_invitation(session, None, old.id, "accepted")
    assert error.value.field == "invitee_id"


def test_agenda_items_of_another_meeting_are_refused(make, session):
    other_item = make.item(make.meeting(), "Elsewhere")
    with pytest.raises(ValidationError, match="belong to this meeting"):
        make.invitation(make.meeting(), scope="items", agenda_item_ids=[other_item.id])


def test_reply_with_representative_then_withdraw(make, session):
    uk = make.organisation(Side.UK)
    minister = make.person(uk, full_name="Eleanor Hartley")
    invitation = make.invitation(invitee_id=uk.id)
    invitations.reply_to_invitation(session, None, invitation.id, "tentative")
    invitations.reply_to_invitation(
        session, None, invitation.id, "accepted", representative_id=minister.id
    )
    assert invitation.status is InvitationStatus.ACCEPTED
    assert invitation.representative_id == minister.id
    invitations.withdraw_invitation(session, None, invitation.id, reason="Format changed")
    assert invitation.status is InvitationStatus.WITHDRAWN
    with pytest.raises(InvalidTransition, match="withdrawn cannot become accepted"):
        invitations.reply_to_invitation(session, None, invitation.id, "accepted")


def test_representative_must_be_on_the_invited_side(make, session):
    eu_person = make.person(make.organisation(Side.EU))
    invitation = make.invitation()
    with unchanged(session), pytest.raises(ValidationError, match="not on the UK side") as error:
        invitations.reply_to_invitation(
            session, None, invitation.id, "accepted", representative_id=eu_person.id
        )
    assert error.value.field == "representative_id"


def test_reply_must_be_an_answer(make, session):
    invitation = make.invitation()
    with pytest.raises(ValidationError, match="accepted, declined or tentative"):
        invitations.reply_to_invitation(session, None, invitation.id, "withdrawn")


def test_no_reply_once_the_meeting_is_cancelled(make, session):
    invitation = make.invitation()
    meetings.cancel_meeting(session, None, invitation.meeting_id)
    with pytest.raises(InvalidTransition, match="cancelled"):
        invitations.reply_to_invitation(session, None, invitation.id, "accepted")


def test_stale_reply_is_refused(make, session):
    invitation = make.invitation()
    version = invitation.version
    invitations.reply_to_invitation(
        session, None, invitation.id, "declined", expected_version=version
    )
    with pytest.raises(StaleVersion):
        invitations.reply_to_invitation(
            session, None, invitation.id, "accepted", expected_version=version
        )


def test_filter_open_invitations_by_topic(make, session):
    balkans = make.meeting(topics=["western-balkans"])
    russia = make.meeting(topics=["russia"])
    wanted = make.invitation(balkans)
    make.invitation(russia)
    declined = make.invitation(make.meeting(topics=["western-balkans"]))
    invitations.reply_to_invitation(session, None, declined.id, "declined")
    topic_id = balkans.topics[0].id
    found = invitations.list_invitations(
        session, None, invitations.InvitationFilter(topic_id=topic_id, open_only=True)
    )
    assert [i.id for i in found] == [wanted.id]
