"""Invitations on the meeting page (issue 17, part 7): an invitation to single items names
them, and an accepted representative is offered a place in their side's delegation."""

from __future__ import annotations

from datetime import datetime

from app.invitations import services as invitations
from app.people.models import Side
from tests.web.conftest import csrf_from


def test_the_meeting_page_names_the_items_and_offers_the_representative_a_place(
    as_editor, make, session
):
    meeting = make.meeting(start=datetime(2027, 3, 16, 10), end=datetime(2027, 3, 16, 13))
    make.item(meeting, "Opening", duration_minutes=10)
    russia = make.item(meeting, "Russia's war against Ukraine", duration_minutes=30)
    make.item(meeting, "Any other business", duration_minutes=10)
    fcdo = make.organisation(Side.UK)
    envoy = make.person(fcdo, full_name="Sam Envoy")
    invitation = make.invitation(
        meeting, invitee_id=fcdo.id, scope="items", agenda_item_ids=[russia.id]
    )
    invitations.reply_to_invitation(
        session, None, invitation.id, "accepted", representative_id=envoy.id
    )
    session.commit()
    page = f"/meetings/{meeting.id}"
    html = as_editor.get(page).get_data(as_text=True)
    assert "Item 2: Russia&#39;s war against Ukraine" in html
    assert "Item 1: Opening" not in html
    assert "Add to the UK delegation" in html
    offer = html.split("Add to the UK delegation")[0].rsplit("<form", 1)[1]
    assert f'name="person_id" value="{envoy.id}"' in offer
    assert 'name="attendance" value="items"' in offer  # attends what the invitation covers
    token = csrf_from(as_editor, page)
    added = as_editor.post(
        f"{page}/participants/new",
        data={"csrf_token": token, "person_id": envoy.id, "role": "adviser", "attendance": "items"},
    )
    assert added.status_code == 302
    session.expire_all()
    assert [(p.person_id, p.attendance.value) for p in meeting.participants] == [
        (envoy.id, "items")
    ]
    assert "Add to the UK delegation" not in as_editor.get(page).get_data(as_text=True)


def test_the_reply_form_sets_what_the_invitee_attends(as_editor, make, session):
    invitation = make.invitation(make.meeting())
    session.commit()
    page = f"/invitations/{invitation.id}/reply"
    html = as_editor.get(page).get_data(as_text=True)
    assert 'name="scope"' in html
    replied = as_editor.post(
        page,
        data={
            "csrf_token": csrf_from(as_editor, page),
            "status": "accepted",
            "scope": "lunch",
            "representative_id": "",
            "version": str(invitation.version),
        },
    )
    assert replied.status_code == 302, replied.get_data(as_text=True)
    session.expire_all()
    assert invitation.scope.value == "lunch"
