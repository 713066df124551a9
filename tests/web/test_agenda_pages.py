"""Agenda pages and document routes: roles, forms, errors, content types, file names."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from docx import Document

from app.agendas import outcomes, versions
from app.agendas import services as agendas
from app.agendas.models import ActionStatus
from app.people.models import Side
from tests.agendas.conftest import pdf_pages
from tests.web.conftest import csrf_from


@pytest.fixture
def meeting(make, session):
    meeting = make.meeting(
        title="Strategic consultation",
        start=datetime(2027, 3, 16, 10),
        end=datetime(2027, 3, 16, 13),
        timezone="Europe/London",
        marking="OFFICIAL",
    )
    make.item(meeting, "Opening", duration_minutes=10)
    make.item(meeting, "UK internal line", duration_minutes=10, visibility="uk")
    make.item(meeting, "EU internal line", duration_minutes=10, visibility="eu")
    session.commit()  # a view that rolls back a refused change must not lose the setup
    return meeting


def test_editor_adds_edits_moves_and_circulates_through_the_forms(as_editor, session, meeting):
    page = f"/meetings/{meeting.id}/agenda"
    token = csrf_from(as_editor, page)
    response = as_editor.post(
        f"{page}/items",
        data={
            "csrf_token": token,
            "title": "<Balkans> & co",
            "purpose": "decision",
            "duration_minutes": "30",
            "visibility": "all",
            "lead_text": "EEAS",
        },
    )
    assert response.status_code == 302
    html = as_editor.get(page).get_data(as_text=True)
    assert "&lt;Balkans&gt; &amp; co" in html
    assert "<Balkans>" not in html
    assert "Not circulated yet" in html
    balkans = agendas.items_of(session, meeting.id)[-1]
    response = as_editor.post(
        f"{page}/items/{balkans.id}/move",
        data={"csrf_token": token, "position": "1", "parent_id": ""},
    )
    assert response.status_code == 302
    assert agendas.items_of(session, meeting.id)[0].title == "<Balkans> & co"
    response = as_editor.post(
        f"{page}/items/{balkans.id}/papers",
        data={
            "csrf_token": token,
            "reference": "ENT 9/27",
            "revision": "2",
            "original_language": "fr",
        },
    )
    assert response.status_code == 302
    assert "ENT 9/27 REV 2 (OR. fr)" in as_editor.get(f"{page}/items/{balkans.id}").get_data(
        as_text=True
    )
    response = as_editor.post(
        f"{page}/circulate", data={"csrf_token": token, "note": "For comment"}
    )
    assert response.status_code == 200  # first, what circulating makes: nothing yet
    assert "Circulate version 1: Provisional agenda?" in response.get_data(as_text=True)
    assert versions.latest_version(session, meeting.id) is None
    response = as_editor.post(
        f"{page}/circulate",
        data={"csrf_token": token, "note": "For comment", "confirmed": "yes"},
    )
    assert response.status_code == 302
    assert versions.latest_version(session, meeting.id).number == 1
    assert versions.latest_version(session, meeting.id).note == "For comment"
    html = as_editor.get(page).get_data(as_text=True)
    assert "The draft is the same as version 1" in html
    response = as_editor.post(
        f"{page}/items/{balkans.id}",
        data={"csrf_token": token, "title": "Western Balkans", "visibility": "all", "purpose": ""},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    html = as_editor.get(page).get_data(as_text=True)
    assert "The draft differs from version 1" in html
    assert "title was “&lt;Balkans&gt; &amp; co”" in html


def test_bad_input_gives_form_errors_not_a_500(as_editor, session, meeting):
    page = f"/meetings/{meeting.id}/agenda"
    token = csrf_from(as_editor, page)
    item = agendas.items_of(session, meeting.id)[0]
    cases = [
        (f"{page}/items", {"title": "", "visibility": "all"}, "Enter a title"),
        (
            f"{page}/items",
            {"title": "X", "visibility": "all", "duration_minutes": "9999"},
            "between 0 and 1440",
        ),
        (f"{page}/items", {"title": "X", "visibility": "martian"}, "Not a valid choice"),
        (
            f"{page}/items",
            {"title": "X", "visibility": "all", "duration_minutes": "ten"},
            "Not a valid integer",
        ),
        (f"{page}/items/{item.id}/move", {"position": "9"}, "Position must be between 1 and 3"),
        (
            f"{page}/items/{item.id}/papers",
            {"reference": "ENT 1/27", "original_language": "english"},
            "two-letter code",
        ),
        (
            f"{page}/items/{item.id}/actions",
            {"description": "", "due_on": "tomorrow"},
            "Describe the action",
        ),
    ]
    for url, data, message in cases:
        response = as_editor.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 422, (url, data)
        assert message in response.get_data(as_text=True), (url, message)
    as_editor.post(f"{page}/circulate", data={"csrf_token": token, "confirmed": "yes"})
    response = as_editor.post(f"{page}/circulate", data={"csrf_token": token})
    assert response.status_code == 422  # refused before the confirmation step
    assert "Nothing has changed since version 1" in response.get_data(as_text=True)
    assert as_editor.get(f"/meetings/{meeting.id}/agenda/items/999999").status_code == 404
    assert as_editor.get("/meetings/999999/agenda").status_code == 404
    assert as_editor.get(f"/meetings/{meeting.id}/agenda.pdf?version=abc").status_code == 422
    assert as_editor.get(f"/meetings/{meeting.id}/agenda.pdf?version=7").status_code == 404
    assert as_editor.get(f"/meetings/{meeting.id}/agenda.md?lang=de").status_code == 422
    assert as_editor.get(f"/meetings/{meeting.id}/agenda.md?side=us").status_code == 422
    assert as_editor.get(f"/meetings/{meeting.id}/agenda/compare?from=x&to=1").status_code == 422


def test_viewers_read_but_do_not_edit_or_see_the_draft(as_viewer, session, meeting):
    page = f"/meetings/{meeting.id}/agenda"
    html = as_viewer.get(page).get_data(as_text=True)
    assert "No version has been circulated yet" in html
    assert "Add an item" not in html
    assert as_viewer.get(f"/meetings/{meeting.id}/agenda.pdf").status_code == 404
    assert as_viewer.get(f"/meetings/{meeting.id}/agenda.pdf?draft=1").status_code == 403
    token = csrf_from(as_viewer, page)
    response = as_viewer.post(f"{page}/items", data={"csrf_token": token, "title": "Sneaky"})
    assert response.status_code == 403
    assert response.status_code == 403
    versions.circulate(session, None, meeting.id)
    html = as_viewer.get(page).get_data(as_text=True)
    assert "Opening" in html
    assert "Version 1" in html
    assert as_viewer.get(f"{page}/versions/1").status_code == 200
    assert as_viewer.get(f"{page}/compare?from=1&to=0").status_code == 403


def test_exports_have_content_types_file_names_and_versions(as_editor, session, meeting):
    base = f"/meetings/{meeting.id}/agenda"
    versions.circulate(session, None, meeting.id)
    agendas.update_item(
        session,
        None,
        agendas.items_of(session, meeting.id)[0].id,
        agendas.AgendaItemInput(title="Opening, revised", duration_minutes=10),
    )
    versions.circulate(session, None, meeting.id, final=True)
    make_title = "Late draft item"
    agendas.add_item(session, None, meeting.id, agendas.AgendaItemInput(title=make_title))

    pdf = as_editor.get(f"{base}.pdf?version=1")
    assert pdf.status_code == 200
    assert pdf.content_type == "application/pdf"
    assert pdf.headers["Content-Disposition"] == (
        'inline; filename="agenda-2027-03-16-strategic-consultation-v1-en.pdf"'
    )
    text = "\n".join(pdf_pages(pdf.data))
    assert "Opening" in text
    assert "Opening, revised" not in text

    docx = as_editor.get(f"{base}.docx")
    assert docx.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (
        (docx.headers["Content-Disposition"])
        == 'attachment; filename="agenda-2027-03-16-strategic-consultation-v2-en.docx"'
    )
    assert "Opening, revised" in Document(io.BytesIO(docx.data)).tables[1].rows[1].cells[2].text

    html = as_editor.get(f"{base}.html?side=eu&lang=fr")
    assert html.content_type == "text/html; charset=utf-8"
    assert "-v2-eu-fr.html" in html.headers["Content-Disposition"]
    body = html.get_data(as_text=True)
    assert "css/agenda-document.css" in body
    assert "<style" not in body
    assert "style=" not in body
    assert "EU internal line" in body
    assert "UK internal line" not in body

    md = as_editor.get(f"{base}.md?draft=1")
    assert md.content_type == "text/markdown; charset=utf-8"
    assert make_title in md.get_data(as_text=True)
    assert "-draft-en.md" in md.headers["Content-Disposition"]


def test_a_delegate_only_ever_gets_their_own_side(app, client, make, session, meeting):
    from tests.web.conftest import sign_in

    eu_person = make.person(make.organisation(Side.EU))
    user = make.user("viewer")
    user.person_id = eu_person.id
    session.flush()
    versions.circulate(session, None, meeting.id)
    agendas.add_item(
        session, None, meeting.id, agendas.AgendaItemInput(title="UK secret", visibility="uk")
    )
    versions.circulate(session, None, meeting.id)
    sign_in(client, user)
    body = client.get(f"/meetings/{meeting.id}/agenda.md").get_data(as_text=True)
    assert "EU internal line" in body
    assert "UK internal line" not in body
    assert client.get(f"/meetings/{meeting.id}/agenda.md?side=uk").status_code == 403
    for path in ("/agenda/versions/2", "/agenda"):
        page = client.get(f"/meetings/{meeting.id}{path}").get_data(as_text=True)
        assert "EU internal line" in page
        assert "UK internal line" not in page
        assert "UK secret" not in page  # not even in the change summary
    assert client.get(f"/meetings/{meeting.id}/agenda/compare?from=1&to=2").status_code == 403


def test_outcomes_actions_and_carrying_them_to_the_next_round(as_editor, make, session):
    series = make.series(slug="rounds")
    first = make.meeting(
        series=series.id, start=datetime(2027, 3, 16, 10), end=datetime(2027, 3, 16, 13)
    )
    second = make.meeting(
        series=series.id, start=datetime(2027, 9, 14, 10), end=datetime(2027, 9, 14, 13)
    )
    item = make.item(first, "Hybrid threats", visibility="uk")
    session.commit()
    page = f"/meetings/{first.id}/agenda"
    token = csrf_from(as_editor, page)
    as_editor.post(
        f"{page}/items/{item.id}/outcome",
        data={"csrf_token": token, "outcome": "Agreed a joint paper"},
    )
    for description in ("Draft the joint paper", "Share threat picture"):
        response = as_editor.post(
            f"{page}/items/{item.id}/actions",
            data={
                "csrf_token": token,
                "description": description,
                "owner": "EEAS",
                "due_on": "2027-05-01",
            },
        )
        assert response.status_code == 302
    done = outcomes.actions_of(session, first.id)[1]
    as_editor.post(f"{page}/actions/{done.id}/status", data={"csrf_token": token, "status": "done"})
    assert done.status is ActionStatus.DONE
    # outcomes are not agenda content: nothing to circulate because of them
    versions.circulate(session, None, first.id)
    assert versions.draft_changes(session, first.id) == []

    response = as_editor.post(f"{page}/carry", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{second.id}/agenda")
    lines = agendas.numbered(second, agendas.items_of(session, second.id))
    assert [(n.number, n.item.title) for n in lines] == [
        ("1", "Follow-up to the previous round"),
        ("1.1", "Draft the joint paper"),
    ]
    carried = lines[1].item
    assert carried.lead == "EEAS"
    assert carried.visibility.value == "uk"
    assert "Agreed a joint paper" in carried.notes
    assert "01 May 2027" in carried.notes
    response = as_editor.post(f"{page}/carry", data={"csrf_token": token}, follow_redirects=True)
    assert "no open follow-up actions" in response.get_data(as_text=True)
    lone = make.meeting()
    make.item(lone, "Solo")
    with pytest.raises(Exception, match="no later round"):
        outcomes.carry_forward(session, None, lone.id)


def test_an_editor_of_one_side_works_on_their_side_of_the_draft_only(
    app, client, make, session, meeting
):
    from tests.web.conftest import sign_in

    eu_editor = make.user("editor")
    eu_editor.person_id = make.person(make.organisation(Side.EU)).id
    opening, uk_line, eu_line = agendas.items_of(session, meeting.id)
    agendas.add_item(
        session,
        None,
        meeting.id,
        agendas.AgendaItemInput(title="UK note under opening", visibility="uk"),
        parent_id=opening.id,
    )
    outcomes.add_action(session, None, uk_line.id, "UK-only follow-up")
    versions.circulate(session, None, meeting.id)
    session.commit()
    sign_in(client, eu_editor)
    base = f"/meetings/{meeting.id}/agenda"

    page = client.get(base).get_data(as_text=True)
    assert "EU internal line" in page
    assert "UK internal line" not in page
    assert "UK note under opening" not in page
    assert "UK-only follow-up" not in page
    assert f"{base}/circulate" not in page
    assert client.get(f"{base}/items/{uk_line.id}").status_code == 404
    assert client.get(f"{base}/items/{eu_line.id}").status_code == 200

    token = csrf_from(client, f"{base}/items/{eu_line.id}")
    refusals = {
        f"{base}/items/{uk_line.id}": 404,  # edit the other side's item
        f"{base}/items/{uk_line.id}/remove": 404,
        f"{base}/items/{opening.id}/remove": 403,  # would take the UK note with it
        f"{base}/items/{eu_line.id}/move": 403,  # positions count both sides' items
        f"{base}/circulate": 403,
        f"{base}/carry": 403,
    }
    for path, status in refusals.items():
        assert client.post(path, data={"csrf_token": token, "title": "x"}).status_code == status
    added = client.post(
        f"{base}/items",
        data={"csrf_token": token, "title": "Under UK", "parent_id": str(uk_line.id)},
    )
    assert added.status_code == 422
    assert {i.title for i in agendas.items_of(session, meeting.id)} == {
        "Opening",
        "UK note under opening",
        "UK internal line",
        "EU internal line",
    }
    saved = client.post(
        f"{base}/items/{eu_line.id}",
        data={"csrf_token": token, "title": "EU line, revised", "visibility": "eu"},
    )
    assert saved.status_code == 302
    session.refresh(eu_line)
    assert eu_line.title == "EU line, revised"


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html", "md"])
def test_export_file_names_carry_no_quotes_line_breaks_or_paths(as_editor, make, fmt):
    title = 'Réunion "Ö" \r\nSet-Cookie: x=1; ../../etc/passwd\\ 北京'
    meeting = make.meeting()
    meeting.title = (
        title  # the services refuse line breaks now; a title stored before may have them
    )
    response = as_editor.get(f"/meetings/{meeting.id}/agenda.{fmt}?draft=1")
    disposition = response.headers["Content-Disposition"]
    assert disposition.endswith(
        f'filename="agenda-2027-03-16-reunion-o-set-cookie-x-1-etc-passwd-draft-en.{fmt}"'
    )
    assert "Set-Cookie" not in response.headers
    assert disposition.isascii()
