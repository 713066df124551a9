"""The secretariat's daily flows in a real browser, signed in as each role."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def _fill_meeting(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Kind of meeting").select_option(label="Strategic consultation")
    page.get_by_label("Start date").fill("2031-03-18")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("16:30")
    page.get_by_label("Time zone", exact=True).select_option("Europe/London")
    page.get_by_label("Venue").fill("Lancaster House")
    page.get_by_label("Host city").fill("London")
    page.get_by_label("Russia").check()
    page.get_by_label("Western Balkans").check()


def test_editor_creates_a_consultation_invites_and_records_acceptance(new_page):
    page = new_page("editor")
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="Create a meeting").click()

    # A mistake first: the error sits next to the field and the input is kept.
    _fill_meeting(page, "Strategic consultation (browser test)")
    page.get_by_label("End time").fill("09:00")
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert (
        page.locator("#end_date-error")
        .inner_text()
        .endswith("The meeting must end after it starts")
    )
    assert (
        page.get_by_label("Title", exact=True).input_value()
        == "Strategic consultation (browser test)"
    )
    page.get_by_role("link", name="The meeting must end after it starts").click()
    assert page.evaluate("document.activeElement.id") == "end_date"

    page.get_by_label("End time").fill("16:30")
    page.get_by_role("button", name="Create meeting").click()
    expect(
        page.get_by_role("heading", name="Strategic consultation (browser test)")
    ).to_be_visible()
    expect(
        page.get_by_text("Meeting “Strategic consultation (browser test)” created").first
    ).to_be_visible()
    expect(page.get_by_text("Tue 18 Mar 2031, 10:00–16:30 GMT")).to_be_visible()
    meeting_url = page.url.split("#")[0]

    # Agenda: add items, circulate, download the PDF.
    page.get_by_role("link", name="Open the agenda and its documents").click()
    for title, minutes in (("Opening remarks", "10"), ("Russia's war against Ukraine", "60")):
        page.get_by_label("Title", exact=True).fill(title)
        page.get_by_label("Duration (minutes)").fill(minutes)
        page.get_by_role("button", name="Add item").click()
        expect(page.get_by_text(title).first).to_be_visible()
    page.get_by_label("Note to readers").fill("Provisional agenda for comment")
    page.get_by_role("button", name="Circulate", exact=True).click()
    expect(page.get_by_text("Circulating cannot be undone.")).to_be_visible()
    screenshot(page, "agenda-circulate-confirm")
    page.get_by_role("button", name="Yes, circulate version 1").click()
    expect(page.get_by_text("Version 1:")).to_be_visible()
    screenshot(page, "agenda-editor")
    circulated = page.locator("section[aria-labelledby=circulated]")
    link = circulated.get_by_role(
        "link", name="PDF – Version 1, Provisional agenda, as circulated, Whole agenda"
    )
    download = page.request.get(link.get_attribute("href"))  # with the browser's session
    assert download.status == 200
    assert download.headers["content-type"].startswith("application/pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.body())).pages)
    assert "Russia's war against Ukraine" in text.replace("’", "'")
    page.goto(meeting_url)

    page.get_by_role("link", name="Issue an invitation").click()
    page.get_by_label("Invited by").select_option(label="European External Action Service (EU)")
    page.get_by_label("Organisation invited").select_option(
        label="Foreign, Commonwealth & Development Office (UK)"
    )
    page.get_by_label("Reply by (date)").fill("2031-03-01")
    page.get_by_role("button", name="Issue invitation").click()
    expect(
        page.get_by_text("Invitation to Foreign, Commonwealth & Development Office issued.")
    ).to_be_visible()
    invitations = page.locator("#invitations + .table-wrap")
    assert "invited" in invitations.inner_text()

    page.get_by_role("link", name=re.compile("Record reply")).click()
    page.get_by_label("Reply", exact=True).select_option("accepted")
    page.get_by_label("Represented by").select_option(index=1)
    page.get_by_role("button", name="Record reply").click()
    assert page.url.startswith(meeting_url)
    assert "accepted" in page.locator("#invitations + .table-wrap").inner_text()
    screenshot(page, "meeting-page-editor")


def test_editor_cancels_a_meeting_and_sees_it_marked(new_page):
    page = new_page("editor")
    page.goto("/meetings/new")
    _fill_meeting(page, "Meeting to cancel (browser test)")
    page.get_by_label("Start date").fill("2031-05-06")
    page.get_by_role("button", name="Create meeting").click()
    page.get_by_role("link", name="Cancel meeting").click()
    page.get_by_label("Reason").fill("Host unavailable")
    page.get_by_role("button", name="Cancel meeting").click()
    expect(page.get_by_text("This meeting is cancelled")).to_be_visible()
    assert page.locator(".tag--cancelled").first.inner_text() == "cancelled"
    assert page.locator('a[href$="/edit"]').count() == 0

    page.goto("/meetings?date_from=2031-05-01&date_to=2031-05-31")
    row = page.get_by_role("row").filter(has_text="Meeting to cancel (browser test)")
    assert "cancelled" in row.inner_text()
    assert row.locator("a.cancelled-title").count() == 1
    page.goto("/meetings/calendar?month=2031-05")
    assert (
        page.locator(".calendar__event--cancelled").filter(has_text="Meeting to cancel").count()
        == 1
    )


def test_stale_edit_is_refused_in_the_browser(new_page):
    first, second = new_page("editor"), new_page("admin")
    first.goto("/meetings/new")
    _fill_meeting(first, "Stale edit (browser test)")
    first.get_by_label("Start date").fill("2031-06-10")
    first.get_by_role("button", name="Create meeting").click()
    edit_url = first.url.split("#")[0] + "/edit"
    first.goto(edit_url)
    second.goto(edit_url)
    second.get_by_label("Venue").fill("Colleague's venue")
    second.get_by_role("button", name="Save meeting").click()
    expect(second.get_by_text("Your changes are saved.")).to_be_visible()
    first.get_by_label("Venue").fill("My venue")
    first.get_by_role("button", name="Save meeting").click()
    expect(first.get_by_text("was changed by someone else")).to_be_visible()
    assert first.get_by_label("Venue").input_value() == "My venue"


def test_cancel_after_someone_else_s_edit_shows_what_changed_and_works_again(new_page):
    first, second = new_page("editor"), new_page("admin")
    first.goto("/meetings/new")
    _fill_meeting(first, "Stale cancel (browser test)")
    first.get_by_label("Start date").fill("2031-07-08")
    first.get_by_role("button", name="Create meeting").click()
    meeting_url = first.url.split("#")[0]
    first.goto(meeting_url + "/cancel")
    second.goto(meeting_url + "/edit")
    second.get_by_label("Venue").fill("Palais d'Egmont")
    second.get_by_role("button", name="Save meeting").click()
    expect(second.get_by_text("Your changes are saved.")).to_be_visible()
    first.get_by_label("Reason").fill("Host unavailable")
    first.get_by_role("button", name="Cancel meeting").click()
    expect(first.get_by_text("What changed since you opened this page")).to_be_visible()
    expect(first.get_by_text("Lancaster House → Palais d'Egmont")).to_be_visible()
    assert first.get_by_label("Reason").input_value() == "Host unavailable"
    screenshot(first, "cancel-conflict")
    first.get_by_role("button", name="Cancel meeting").click()
    expect(first.get_by_text("This meeting is cancelled")).to_be_visible()


def test_viewer_reads_but_cannot_change(new_page):
    page = new_page("viewer")
    page.get_by_role("link", name="Meetings", exact=True).click()
    assert page.get_by_role("link", name="Create a meeting").count() == 0
    page.get_by_role("link", name=re.compile("strategic consultation", re.I)).first.click()
    expect(page.get_by_role("heading", name="Delegations")).to_be_visible()
    assert page.locator('a[href$="/edit"]').count() == 0
    assert page.get_by_role("link", name="Users").count() == 0
    response = page.goto("/meetings/new")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You do not have access to this page")).to_be_visible()


def test_admin_adds_a_user_who_can_then_sign_in(new_page):
    page = new_page("admin")
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Add a user").click()
    page.get_by_label("E-mail address").fill("new.reader@entente.example")
    page.get_by_label("Role").select_option("viewer")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_text("new.reader@entente.example can now sign in.")).to_be_visible()

    reader = new_page()
    reader.goto("/login")
    reader.get_by_label("E-mail address").fill("new.reader@entente.example")
    reader.get_by_label("Password").fill("a long enough password")
    reader.get_by_role("button", name="Sign in").click()
    expect(reader.get_by_role("heading", name="Dashboard")).to_be_visible()
    reader.get_by_role("button", name="Sign out").click()
    expect(reader.get_by_text("You have signed out of this browser.")).to_be_visible()


def test_viewer_subscribes_to_a_topic_feed_and_fetches_it(new_page):
    page = new_page("viewer")
    page.get_by_role("link", name="Calendar subscriptions").click()
    page.get_by_label("Meetings to include").select_option("topic:russia")
    page.get_by_role("button", name="Create subscription").click()
    url = page.locator("#feed-https").input_value()
    expect(page.get_by_role("button", name="Copy").first).to_be_visible()  # shown by the script
    screenshot(page, "subscription-created")
    assert page.locator("#feed-webcal").input_value().startswith("webcal://")
    # The feed is read without a session, as a calendar server would.
    path = url.split("://", 1)[1].split("/", 1)[1]
    body = page.request.get("/" + path, headers={"Cookie": ""}).text()
    assert body.startswith("BEGIN:VCALENDAR")
    assert "SUMMARY:UK–EU strategic consultation" in body or "strategic consultation" in body


def test_a_restricted_meeting_is_not_there_for_a_viewer_outside_its_delegation(new_page):
    """The demo's European Council is restricted; the demo viewer is in no delegation."""
    editor = new_page("editor")
    editor.goto("/meetings?q=European+Council")
    link = editor.get_by_role("link", name="European Council", exact=True)
    expect(link).to_be_visible()
    path = link.get_attribute("href")
    assert path is not None
    assert path.startswith("/meetings/")
    viewer = new_page("viewer")
    viewer.goto("/meetings?q=European+Council")
    expect(viewer.get_by_role("link", name="European Council", exact=True)).to_have_count(0)
    response = viewer.goto(path)
    assert response is not None
    assert response.status == 404
    expect(viewer.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert "European Council" not in viewer.content()
    assert viewer.goto(f"{path}/agenda.pdf").status == 404
    screenshot(viewer, "restricted-meeting-viewer")
