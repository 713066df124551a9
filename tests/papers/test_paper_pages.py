"""The paper's page: upload through the form (refusals shown, nothing stored), versions,
details (marking, language, sides, owner, due date), downloads, and statuses on the agenda."""

from __future__ import annotations

import io
from datetime import date

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.agendas.models import ItemVisibility
from app.auth.models import Role
from app.files.storage import blob_count
from app.meetings.models import Marking
from tests.files import documents
from tests.papers.conftest import Papers
from tests.web.conftest import csrf_from, sign_in


def page_url(tabled: Papers, paper=None) -> str:
    paper = paper or tabled.paper
    return f"/meetings/{tabled.meeting.id}/agenda/papers/{paper.id}"


def post_file(client, tabled: Papers, content: bytes, name: str):
    token = csrf_from(client, page_url(tabled))
    boundary, body = encode_multipart(
        {"csrf_token": token, "file": FileStorage(io.BytesIO(content), filename=name)}
    )
    return client.post(
        f"{page_url(tabled)}/files",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_an_editor_uploads_versions_and_downloads_them(client, make, session, tabled):
    sign_in(client, make.user(Role.EDITOR))
    first = post_file(client, tabled, documents.pdf(), "Sanctions note.pdf")
    assert first.status_code == 302
    assert post_file(client, tabled, documents.odt(), "Sanctions note.odt").status_code == 302
    page = client.get(page_url(tabled)).get_data(as_text=True)
    assert "Sanctions note.odt" in page
    assert "Sanctions note.pdf" in page
    assert "uploaded" in page
    assert "data-upload-progress" in page
    latest = client.get(f"{page_url(tabled)}/files/latest")
    assert latest.data == documents.odt()
    assert latest.headers["Content-Disposition"].startswith(
        'attachment; filename="Sanctions note.odt"'
    )
    assert latest.headers["X-Content-Type-Options"] == "nosniff"


def test_a_refused_upload_shows_its_message_and_stores_nothing(client, make, session, tabled):
    sign_in(client, make.user(Role.EDITOR))
    before = blob_count(session)
    response = post_file(client, tabled, documents.docx_with_macros(), "paper.docx")
    assert response.status_code == 422
    assert "contains macros" in response.get_data(as_text=True)
    assert blob_count(session) == before
    assert "Nothing uploaded yet" in client.get(page_url(tabled)).get_data(as_text=True)


def test_the_details_form_saves_marking_language_sides_owner_and_due_date(
    client, make, session, tabled
):
    owner = make.person(full_name="Ada Owner")
    sign_in(client, make.user(Role.EDITOR))
    response = client.post(
        f"{page_url(tabled)}/details",
        data={
            "csrf_token": csrf_from(client, page_url(tabled)),
            "marking": "OFFICIAL-SENSITIVE",
            "original_language": "fr",
            "visibility": "eu",
            "owner_id": str(owner.id),
            "due_on": "2027-03-05",
        },
    )
    assert response.status_code == 302
    paper = tabled.paper
    session.refresh(paper)
    assert (paper.marking, paper.language, paper.visibility) == (
        Marking.OFFICIAL_SENSITIVE,
        "fr",
        ItemVisibility.EU,
    )
    assert (paper.owner_id, paper.due_on) == (owner.id, date(2027, 3, 5))
    bad = client.post(
        f"{page_url(tabled)}/details",
        data={
            "csrf_token": csrf_from(client, page_url(tabled)),
            "marking": "OFFICIAL",
            "original_language": "f1",
            "visibility": "all",
            "owner_id": "",
        },
    )
    assert bad.status_code == 422
    assert "two-letter code" in bad.get_data(as_text=True)


def test_the_agenda_page_shows_each_papers_status(client, make, session, tabled):
    sign_in(client, make.user(Role.EDITOR))
    post_file(client, tabled, documents.pdf(), "p.pdf")
    page = client.get(f"/meetings/{tabled.meeting.id}/agenda").get_data(as_text=True)
    assert '<span class="tag tag--confirmed">uploaded</span>' in page
    assert '<span class="tag tag--pending">missing</span>' in page


def test_viewers_get_no_paper_page_and_no_upload(client, make, session, tabled):
    sign_in(client, make.user(Role.VIEWER))
    assert client.get(page_url(tabled)).status_code == 403
    assert client.post(f"{page_url(tabled)}/files").status_code in (400, 403)


def test_the_form_takes_a_file_past_the_usual_body_limit(client, make, session, tabled):
    """CSRF protection reads the form before any view: the upload limit is raised before it."""
    sign_in(client, make.user(Role.EDITOR))
    padded = documents.pdf() + b"%" + bytes(3 * 1024 * 1024)  # past max_content_length (2 MB)
    assert post_file(client, tabled, padded, "big.pdf").status_code == 302
    assert client.get(f"{page_url(tabled)}/files/latest").data == padded
