"""Paper files over the API: upload (multipart), versions, download headers, delete, refusals
that store nothing, and the agenda's side and need-to-know rules on downloads."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.agendas import versions
from app.auth.models import Role
from app.files.inspection import DOCX, PDF
from app.files.storage import blob_count
from app.meetings.models import Access
from app.people.models import Side
from tests.api.conftest import Api
from tests.files import documents
from tests.papers.conftest import Papers, delegate


def files_url(tabled: Papers, paper=None, item=None) -> str:
    paper = paper or tabled.paper
    return f"/agenda-items/{(item or paper.item).id}/papers/{paper.id}/files"


def multipart(content: bytes, name: str) -> tuple[bytes, str]:
    """The body in memory (the test client would spool a large one to a file it never
    closes), and its content type."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), filename=name)})
    return body, f"multipart/form-data; boundary={boundary}"


def upload(api: Api, url: str, content: bytes, name: str = "paper.pdf"):
    body, content_type = multipart(content, name)
    return api.post(url, data=body, json=None, content_type=content_type)


@pytest.fixture
def as_user(client, session, make) -> Callable[..., Api]:
    from app.auth import services as auth

    def build(user) -> Api:
        return Api(client, auth.issue_api_token(session, None, user.id, "test"))

    return build


def test_each_upload_is_a_new_version_and_the_latest_is_served(editor, tabled, session):
    url = files_url(tabled)
    first = upload(editor, url, documents.pdf(), "Note on sanctions.pdf")
    assert first.status_code == 201, first.get_json()
    revised = documents.docx("Revised")  # made once: a .docx holds the time it was written
    second = upload(editor, url, revised, "Note on sanctions.docx")
    assert second.status_code == 201
    body = second.get_json()
    assert (body["version"], body["media_type"], body["filename"]) == (
        2,
        DOCX,
        "Note on sanctions.docx",
    )
    assert body["sha256"] == hashlib.sha256(revised).hexdigest()
    listed = editor.get(url).get_json()["files"]
    assert [f["version"] for f in listed] == [2, 1]
    assert [f["media_type"] for f in listed] == [DOCX, PDF]
    latest = editor.get(f"{url}/latest")
    assert latest.status_code == 200
    assert latest.data == revised
    older = editor.get(f"{url}/{listed[1]['id']}")
    assert older.data == documents.pdf()


def test_a_download_is_an_attachment_with_a_safe_name_and_nosniff(editor, tabled):
    url = files_url(tabled)
    upload(editor, url, documents.pdf(), "Séance été ✓.pdf")
    response = editor.get(f"{url}/latest")
    assert response.headers["Content-Type"] == PDF
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Seance ete _.pdf"; '
        "filename*=UTF-8''S%C3%A9ance%20%C3%A9t%C3%A9%20%E2%9C%93.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Length"] == str(len(documents.pdf()))
    assert "no-store" in response.headers["Cache-Control"]
    assert response.is_streamed


REFUSED = [
    (documents.pdf_with_javascript, "paper.pdf", "runs scripts"),
    (documents.pdf_with_launch, "paper.pdf", "runs scripts"),
    (documents.pdf_with_attachment, "paper.pdf", "embedded files"),
    (documents.docx_with_macros, "paper.docx", "contains macros"),
    (documents.odt_with_macros, "paper.odt", "contains macros"),
    (lambda: documents.docx_bomb(20 * 1024 * 1024), "paper.docx", "zip bomb"),
    (documents.legacy_doc, "paper.doc", "older Office format"),
    (lambda: b"<html><script>alert(1)</script></html>", "paper.pdf", "not a document"),
    (documents.pdf, "../../etc/paper.pdf", "folder"),
    (documents.pdf, "pa\x1bper.pdf", "control or invisible"),
]


@pytest.mark.parametrize(("make_content", "name", "message"), REFUSED)
def test_each_refused_kind_gets_its_message_and_stores_nothing(
    editor, tabled, session, make_content, name, message
):
    before = blob_count(session)
    response = upload(editor, files_url(tabled), make_content(), name)
    assert response.status_code == 422
    body = response.get_json()
    assert message in body["message"]
    assert body["field"] == "file"
    assert blob_count(session) == before
    assert editor.get(files_url(tabled)).get_json()["files"] == []


def test_an_upload_past_the_size_limit_is_413_and_stores_nothing(app, editor, tabled, session):
    settings = app.extensions["entente.settings"]
    app.extensions["entente.settings"] = settings.replace(upload_max_bytes=1000)
    try:
        before = blob_count(session)
        response = upload(editor, files_url(tabled), documents.pdf() + bytes(200_000))
    finally:
        app.extensions["entente.settings"] = settings
    assert response.status_code == 413
    assert blob_count(session) == before


def test_an_upload_larger_than_the_usual_body_limit_is_taken(app, editor, tabled):
    padded = documents.pdf() + b"%" + bytes(3 * 1024 * 1024)  # past max_content_length (2 MB)
    response = upload(editor, files_url(tabled), padded)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["size"] == len(padded)


def test_delete_removes_the_version_and_its_unshared_bytes(editor, tabled, session):
    url = files_url(tabled)
    before = blob_count(session)
    kept = upload(editor, url, documents.pdf()).get_json()
    other_paper_url = files_url(tabled, tabled.uk_paper)
    shared = upload(editor, other_paper_url, documents.pdf()).get_json()
    assert shared["sha256"] == kept["sha256"]
    assert blob_count(session) == before + 1
    assert editor.delete(f"{url}/{kept['id']}").status_code == 204
    assert blob_count(session) == before + 1  # the other paper still holds the same file
    assert editor.get(f"{url}/latest").status_code == 404
    assert editor.delete(f"{other_paper_url}/{shared['id']}").status_code == 204
    assert blob_count(session) == before


def test_viewers_may_not_upload_list_or_delete(viewer, editor, tabled):
    url = files_url(tabled)
    version = upload(editor, url, documents.pdf()).get_json()
    assert upload(viewer, url, documents.pdf()).status_code == 403
    assert viewer.get(url).status_code == 403
    assert viewer.delete(f"{url}/{version['id']}").status_code == 403


def test_a_viewer_gets_only_the_latest_and_only_once_the_agenda_is_circulated(
    viewer, editor, tabled, session
):
    url = files_url(tabled)
    first = upload(editor, url, documents.pdf()).get_json()
    assert viewer.get(f"{url}/latest").status_code == 404
    versions.circulate(session, None, tabled.meeting.id)
    second = documents.docx()
    upload(editor, url, second)
    assert viewer.get(f"{url}/latest").data == second
    assert viewer.get(f"{url}/{first['id']}").status_code == 404


def test_the_eu_side_never_gets_a_uk_only_paper(as_user, editor, make, tabled, session):
    for paper in (tabled.paper, tabled.uk_paper, tabled.uk_item_paper):
        assert upload(editor, files_url(tabled, paper), documents.pdf()).status_code == 201
    versions.circulate(session, None, tabled.meeting.id)
    eu = as_user(delegate(make, Side.EU, Role.VIEWER))
    uk = as_user(delegate(make, Side.UK, Role.VIEWER))
    assert eu.get(f"{files_url(tabled)}/latest").status_code == 200
    for hidden in (tabled.uk_paper, tabled.uk_item_paper):
        assert eu.get(f"{files_url(tabled, hidden)}/latest").status_code == 404
        assert uk.get(f"{files_url(tabled, hidden)}/latest").status_code == 200
    eu_editor = as_user(delegate(make, Side.EU))
    assert upload(eu_editor, files_url(tabled, tabled.uk_paper), documents.pdf()).status_code == 404


def test_a_meeting_the_reader_may_not_read_is_404(viewer, editor, tabled, session):
    upload(editor, files_url(tabled), documents.pdf())
    versions.circulate(session, None, tabled.meeting.id)
    tabled.meeting.access = Access.RESTRICTED
    session.flush()
    assert viewer.get(f"{files_url(tabled)}/latest").status_code == 404
    assert editor.get(f"{files_url(tabled)}/latest").status_code == 200


def test_a_paper_under_another_item_is_404(editor, tabled):
    wrong = files_url(tabled, tabled.paper, item=tabled.uk_item)
    assert editor.get(wrong).status_code == 404


def test_a_papers_own_handling_is_in_the_api(editor, tabled, session):
    tabled.uk_paper.due_on = date(2027, 3, 5)
    session.flush()
    listed = editor.get(f"/agenda-items/{tabled.item.id}/papers").get_json()["papers"]
    assert [(p["reference"], p["marking"], p["visibility"], p["due_on"]) for p in listed] == [
        ("ENT 12/26", "OFFICIAL", "all", None),
        ("ENT 13/26", "OFFICIAL", "uk", "2027-03-05"),
    ]
