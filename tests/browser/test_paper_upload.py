"""An editor uploads a paper's document in Chromium: the form is sent by the progress script
(XHR), lands on the paper's page with the new version; a refused file shows its message."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import expect

from app.agendas import papers
from app.agendas.services import AgendaItemInput, add_item
from app.extensions import db
from app.meetings.services import MeetingInput, create_meeting
from tests.browser.conftest import screenshot
from tests.files import documents


def _paper_url(live) -> str:  # type: ignore[no-untyped-def]
    with live.app.app_context():
        session = db.session()
        meeting = create_meeting(
            session,
            None,
            MeetingInput(
                title="Paper upload (browser test)",
                kind="strategic-consultation",
                start=datetime(2031, 4, 8, 10, 0),
                end=datetime(2031, 4, 8, 12, 0),
                timezone="Europe/Brussels",
            ),
        ).meeting
        item = add_item(session, None, meeting.id, AgendaItemInput(title="Hybrid threats"))
        paper = papers.add_paper(session, None, item.id, "ENT 40/31", title="Options paper")
        session.commit()
        url = f"/meetings/{meeting.id}/agenda/papers/{paper.id}"
        db.session.remove()
    return url


def test_an_editor_uploads_with_progress_and_sees_refusals(new_page, live, tmp_path):
    url = _paper_url(live)
    page = new_page("editor")
    page.goto(url)
    expect(page.get_by_text("missing", exact=True)).to_be_visible()
    big = tmp_path / "Options paper.pdf"
    big.write_bytes(documents.pdf() + b"%" + bytes(4 * 1024 * 1024))
    page.get_by_label("File").set_input_files(str(big))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("Version 1 uploaded.")).to_be_visible()
    expect(page.get_by_role("link", name="Options paper.pdf")).to_be_visible()
    expect(page.get_by_text("uploaded", exact=True).first).to_be_visible()
    screenshot(page, "paper-uploaded")

    macros = tmp_path / "macros.docx"
    macros.write_bytes(documents.docx_with_macros())
    page.get_by_label("File").set_input_files(str(macros))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_text("contains macros").first).to_be_visible()
    screenshot(page, "paper-refused")
