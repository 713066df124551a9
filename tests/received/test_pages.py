"""The decision flow in the UI for an invitation from Brussels, and what the pages show."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.core.errors import InvalidTransition
from app.invitations.models import InvitationScope, InvitationStatus, ReceivedInvitation
from app.invitations.received_calendar import confirm_reply
from app.invitations.received_tasks import answer_organisers
from app.invitations.services import reply_to_invitation
from app.meetings.models import MeetingStatus
from app.notifications.models import OutboxMessage
from tests.received.conftest import NOW
from tests.received.messages import outlook_calendar
from tests.received.test_receive import AUTUMN, SPRING
from tests.received.test_reply import reply_event
from tests.web.conftest import csrf_from, sign_in


@pytest.fixture
def editor_client(client, make, frozen):
    return sign_in(client, make.user(Role.EDITOR))


@pytest.fixture
def received(session, receive):
    receive(
        outlook_calendar(
            start=AUTUMN[0],
            end=AUTUMN[1],
            description="<script>alert('x')</script> See https://eeas.example/x",
        )
    )
    session.commit()  # as the pipeline does; a page's rollback then keeps it
    return session.scalars(select(ReceivedInvitation)).one()


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_accept_in_the_ui_puts_a_reply_in_the_outbox_and_the_pages_follow_the_organiser(
    session, make, editor_client, received, receive, mail_settings
):
    invitation = received.invitation
    meeting = invitation.meeting
    delegate = make.person(invitation.invitee, email="ambassador@ukmission.example")
    shown = page(editor_client, f"/meetings/{meeting.id}")
    assert "Received by e-mail from Anna Kowalska (anna.kowalska@eeas.europa.eu)" in shown
    assert "&lt;script&gt;alert" in shown
    assert "<script>alert" not in shown

    assert "from the organiser's calendar e-mail" in html.unescape(
        page(editor_client, "/invitations")
    )
    path = f"/invitations/{invitation.id}/reply"
    assert "Received by e-mail" in page(editor_client, path)
    response = editor_client.post(
        path,
        data={
            "status": "accepted",
            "representative_id": str(delegate.id),
            "scope": "lunch",
            "note": "",
            "version": str(invitation.version),
            "csrf_token": csrf_from(editor_client, path),
        },
    )
    assert response.status_code == 302
    assert invitation.status is InvitationStatus.ACCEPTED
    assert invitation.scope is InvitationScope.LUNCH
    answer_organisers(session, mail_settings, NOW, "test")
    [row] = session.scalars(select(OutboxMessage).where(OutboxMessage.calendar_method == "REPLY"))
    event = reply_event(row.calendar)
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert str(event["ATTENDEE"]) == "mailto:ambassador@ukmission.example"
    assert "Attending the working lunch only." in str(event["COMMENT"])

    # The organiser moves it: the same meeting changes, and the pages say what changed.
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1], sequence=1))
    shown = html.unescape(page(editor_client, f"/meetings/{meeting.id}"))
    assert "The organiser changed this meeting on" in shown
    assert "Time: Sun 31 Oct 2027, 10:00–13:00 (Europe/Brussels) → Sun 28 Mar 2027" in shown
    assert "You replied before this change" in shown
    # The organiser's calendar has reset our answer: send it again, for their SEQUENCE 1.
    confirm = f"/invitations/{invitation.id}/confirm-reply"
    assert f'action="{confirm}"' in shown
    response = editor_client.post(
        confirm,
        data={"version": str(invitation.version), "csrf_token": csrf_from(editor_client, path)},
    )
    assert response.status_code == 302
    assert "The organiser changed this meeting" not in page(
        editor_client, f"/meetings/{meeting.id}"
    )
    answer_organisers(session, mail_settings, NOW, "test")
    again = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.calendar_method == "REPLY")
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert int(reply_event(again.calendar)["SEQUENCE"]) == 1
    assert reply_event(again.calendar)["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"

    # Then cancels it.
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1], sequence=2, method="CANCEL"))
    assert meeting.status is MeetingStatus.CANCELLED
    assert "This meeting is cancelled." in page(editor_client, f"/meetings/{meeting.id}")


def test_a_reply_for_agenda_items_that_were_never_listed_is_a_form_error(editor_client, received):
    invitation = received.invitation
    path = f"/invitations/{invitation.id}/reply"
    response = editor_client.post(
        path,
        data={
            "status": "accepted",
            "representative_id": "",
            "scope": "items",
            "version": str(invitation.version),
            "csrf_token": csrf_from(editor_client, path),
        },
    )
    assert response.status_code == 200
    assert "lists no agenda items" in response.get_data(as_text=True)
    assert invitation.status is InvitationStatus.INVITED


def test_a_viewer_cannot_record_the_reply(client, make, received, frozen):
    sign_in(client, make.user(Role.VIEWER))
    path = f"/invitations/{received.invitation.id}/reply"
    assert client.get(path).status_code == 403


def test_the_api_reply_takes_the_attendance_and_answers_the_organiser(
    session, api_as, received, mail_settings
):
    editor = api_as(Role.EDITOR)
    invitation = received.invitation
    path = f"/invitations/{invitation.id}"
    answered = editor.post(
        f"{path}/reply",
        json={"status": "tentative", "scope": "lunch"},
        headers={"If-Match": editor.get(path).headers["ETag"]},
    )
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["scope"] == "lunch"
    assert answer_organisers(session, mail_settings, NOW, "test") == 1
    refused = editor.post(
        f"{path}/reply",
        json={"status": "accepted", "scope": "everything"},
        headers={"If-Match": "*"},
    )
    assert refused.status_code == 422
    assert refused.get_json()["field"] == "scope"


def test_only_an_answered_received_invitation_is_confirmed_again(session, make, received):
    with pytest.raises(InvalidTransition, match="answered"):
        confirm_reply(session, None, received.invitation.id)
    own = make.invitation()
    reply_to_invitation(session, None, own.id, "accepted")
    with pytest.raises(InvalidTransition, match="did not come from an organiser"):
        confirm_reply(session, None, own.id)
