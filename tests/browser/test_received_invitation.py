"""An invitation from Brussels in the browser: the notice of what the organiser changed, and
the decision recorded through the reply form (with the attendance), accessibly."""

from __future__ import annotations

from datetime import datetime

import icalendar
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.invitations.models import ReceivedInvitation
from app.invitations.received_calendar import receive_from_organiser
from tests.browser.conftest import axe_violations, screenshot
from tests.received.messages import SENDER, outlook_calendar

UID = "040000008200E00074C5B7101A82E008000000009F0F1E5B-browser"


def _receive(live, calendar: bytes) -> int:
    with live.app.app_context():
        session = db.session()
        receive_from_organiser(
            session,
            icalendar.Calendar.from_ical(calendar),
            sender=SENDER,
            received_at=clock.now(),
        )
        record = session.scalars(
            select(ReceivedInvitation).where(ReceivedInvitation.organiser_uid == UID)
        ).one()
        invitation_id = record.invitation_id
        session.commit()
        db.session.remove()
        return invitation_id


def test_a_received_invitation_shows_the_organiser_s_change_and_takes_a_decision(live, new_page):
    first = (datetime(2027, 10, 31, 10, 0), datetime(2027, 10, 31, 13, 0))
    moved = (datetime(2027, 11, 4, 14, 30), datetime(2027, 11, 4, 17, 0))
    _receive(live, outlook_calendar(uid=UID, start=first[0], end=first[1]))
    invitation_id = _receive(
        live,
        outlook_calendar(
            uid=UID,
            start=moved[0],
            end=moved[1],
            sequence=1,
            location="Justus Lipsius building, Brussels",
        ),
    )
    page = new_page("editor")
    page.goto(f"/invitations/{invitation_id}/reply")
    assert page.get_by_text("The organiser changed this meeting on").is_visible()
    assert page.get_by_text("Place: Europa building, Brussels → Justus Lipsius").is_visible()
    page.get_by_label("Reply").select_option("accepted")
    page.get_by_label("Attending").select_option("lunch")
    screenshot(page, "received-invitation-reply")
    page.get_by_role("button", name="Record reply").click()
    page.wait_for_url("**/meetings/*")
    assert page.get_by_text("It goes back to anna.kowalska@eeas.europa.eu").is_visible()
    screenshot(page, "received-invitation-meeting")

    # The organiser moves it again after our answer: we send the same answer for it.
    later = (datetime(2027, 11, 5, 9, 0), datetime(2027, 11, 5, 12, 0))
    _receive(live, outlook_calendar(uid=UID, start=later[0], end=later[1], sequence=2))
    page.reload()
    notice = page.locator(".notice", has_text="You replied before this change")
    assert notice.is_visible()
    screenshot(page, "received-invitation-moved-after-reply")
    page.get_by_role("button", name="Send our answer (accepted) again").click()
    page.wait_for_url("**/meetings/*")
    assert page.get_by_text("Your answer goes back to the organiser").is_visible()
    assert notice.count() == 0

    scan = new_page("editor", bypass_csp=True)
    scan.goto(f"/invitations/{invitation_id}/reply")
    assert axe_violations(scan) == []
