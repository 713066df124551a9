"""The quarantine page (admins), the Import page (editors) and POST /api/v1/inbound."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import services as auth
from app.auth.models import Role
from app.inbound.models import InboundMessage, InboundOutcome, QuarantinedMessage
from app.invitations.models import InvitationStatus
from tests.api.conftest import Api
from tests.inbound.conftest import process, seq
from tests.inbound.messages import Answer, plain_email
from tests.web.conftest import csrf_from, sign_in


@pytest.fixture
def use_settings(app, monkeypatch, inbound_settings):
    monkeypatch.setitem(app.extensions, "entente.settings", inbound_settings)
    return inbound_settings


def _signed_in(client, make, role):
    return sign_in(client, make.user(role))


def _quarantined(session, settings, invited, **change):
    values = {"uid": invited.meeting.uid, "attendee": invited.address, **change}
    values.setdefault("sequence", seq(session, invited))
    raw = Answer(**values).email()
    process(session, settings, raw)
    return session.scalars(select(QuarantinedMessage)).one(), raw


def test_admins_see_the_quarantine_with_reason_sender_and_date(
    client, make, session, use_settings, invited
):
    held, _raw = _quarantined(session, use_settings, invited, attendee="stranger@uk.example")
    page = _signed_in(client, make, Role.ADMIN).get("/admin/quarantine")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "stranger@uk.example was not invited" in html
    assert held.sender in html
    assert held.received_at.strftime("%d %b %Y") in html
    assert f"/admin/quarantine/{held.id}/raw" in html


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_only_admins_reach_the_quarantine(client, make, session, use_settings, invited, role):
    held, _raw = _quarantined(session, use_settings, invited, attendee="stranger@uk.example")
    signed = _signed_in(client, make, role)
    assert signed.get("/admin/quarantine").status_code == 403
    assert signed.get(f"/admin/quarantine/{held.id}/raw").status_code == 403


def test_the_raw_message_downloads_as_an_attachment_never_rendered(
    client, make, session, use_settings, invited
):
    raw = plain_email("<script>alert(1)</script>", sender=invited.address, html=True)
    process(session, use_settings, raw)
    held = session.scalars(select(QuarantinedMessage)).one()
    response = _signed_in(client, make, Role.ADMIN).get(f"/admin/quarantine/{held.id}/raw")
    assert response.status_code == 200
    assert response.data == raw
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_release_processes_the_message_again_and_is_audited(
    client, make, session, use_settings, invited, app, monkeypatch
):
    strict = use_settings.replace(inbound_imap_allowed_sender_domains=("eu.example",))
    monkeypatch.setitem(app.extensions, "entente.settings", strict)
    held, _raw = _quarantined(session, strict, invited)
    assert "outside the allow-list" in held.reason
    admin = _signed_in(client, make, Role.ADMIN)
    token = csrf_from(admin, "/admin/quarantine")
    monkeypatch.setitem(app.extensions, "entente.settings", use_settings)  # domain now allowed
    response = admin.post(f"/admin/quarantine/{held.id}/release", data={"csrf_token": token})
    assert response.status_code == 302
    assert invited.invitation.status is InvitationStatus.ACCEPTED
    assert session.scalars(select(QuarantinedMessage)).all() == []
    row = session.scalars(select(InboundMessage)).one()
    assert row.outcome is InboundOutcome.RELEASED
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "inbound.released")).one()
    assert entry.actor_id is not None


def test_a_message_released_and_refused_again_stays_in_the_quarantine(
    client, make, session, use_settings, invited
):
    held, _raw = _quarantined(session, use_settings, invited, attendee="stranger@uk.example")
    admin = _signed_in(client, make, Role.ADMIN)
    token = csrf_from(admin, "/admin/quarantine")
    admin.post(f"/admin/quarantine/{held.id}/release", data={"csrf_token": token})
    again = session.scalars(select(QuarantinedMessage)).one()
    assert "was not invited" in again.reason


def test_delete_removes_the_message_and_is_audited(client, make, session, use_settings, invited):
    held, _raw = _quarantined(session, use_settings, invited, attendee="stranger@uk.example")
    admin = _signed_in(client, make, Role.ADMIN)
    token = csrf_from(admin, "/admin/quarantine")
    assert (
        admin.post(f"/admin/quarantine/{held.id}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    assert session.scalars(select(QuarantinedMessage)).all() == []
    assert session.scalars(select(InboundMessage)).one().outcome is InboundOutcome.DELETED
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "inbound.deleted")).one()
    # Gone: a second delete is a clear 404-style refusal, not a 500.
    response = admin.post(f"/admin/quarantine/{held.id}/delete", data={"csrf_token": token})
    assert response.status_code in {302, 404}


def test_an_editor_imports_a_reply_saved_as_eml(client, make, session, use_settings, invited):
    editor = _signed_in(client, make, Role.EDITOR)
    token = csrf_from(editor, "/invitations/import")
    raw = Answer(
        invited.meeting.uid, invited.address, "DECLINED", sequence=seq(session, invited)
    ).email()
    response = editor.post(
        "/invitations/import",
        data={"csrf_token": token, "file": (io.BytesIO(raw), "reply.eml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert invited.invitation.status is InvitationStatus.DECLINED
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "inbound.imported")).one()


def test_an_editor_imports_a_bare_ics(client, make, session, use_settings, invited):
    editor = _signed_in(client, make, Role.EDITOR)
    token = csrf_from(editor, "/invitations/import")
    ics = Answer(
        invited.meeting.uid, invited.address, "ACCEPTED", sequence=seq(session, invited)
    ).ics()
    response = editor.post(
        "/invitations/import",
        data={"csrf_token": token, "file": (io.BytesIO(ics.encode()), "invite.ics")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert invited.invitation.status is InvitationStatus.ACCEPTED


def test_the_import_page_refuses_no_file_and_a_second_import(
    client, make, session, use_settings, invited
):
    editor = _signed_in(client, make, Role.EDITOR)
    token = csrf_from(editor, "/invitations/import")
    response = editor.post("/invitations/import", data={"csrf_token": token})
    assert response.status_code == 200
    assert "Choose an .eml or .ics file" in response.get_data(as_text=True)
    raw = Answer(invited.meeting.uid, invited.address, sequence=seq(session, invited)).email()
    for expected in (302, 200):
        response = editor.post(
            "/invitations/import",
            data={"csrf_token": token, "file": (io.BytesIO(raw), "reply.eml")},
            content_type="multipart/form-data",
        )
        assert response.status_code == expected
    assert "already processed" in response.get_data(as_text=True)


def test_viewers_cannot_import(client, make):
    assert _signed_in(client, make, Role.VIEWER).get("/invitations/import").status_code == 403


def _api(client, session, make, role):
    return Api(client, auth.issue_api_token(session, None, make.user(role).id, "test"))


def test_the_api_imports_a_file(client, session, make, use_settings, invited):
    api = _api(client, session, make, Role.EDITOR)
    raw = Answer(
        invited.meeting.uid, invited.address, "TENTATIVE", sequence=seq(session, invited)
    ).email()
    response = api.post(
        "/inbound",
        data={"file": (io.BytesIO(raw), "reply.eml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["outcome"] == "applied"
    assert body["method"] == "REPLY"
    assert invited.invitation.status is InvitationStatus.TENTATIVE
    again = api.post(
        "/inbound",
        data={"file": (io.BytesIO(raw), "reply.eml")},
        content_type="multipart/form-data",
    )
    assert again.status_code == 422
    assert again.get_json()["field"] == "file"


def test_the_api_reports_a_quarantined_file_and_refuses_viewers(
    client, session, make, use_settings, invited
):
    api = _api(client, session, make, Role.EDITOR)
    raw = plain_email("hello", sender=invited.address)
    response = api.post(
        "/inbound", data={"file": (io.BytesIO(raw), "x.eml")}, content_type="multipart/form-data"
    )
    assert response.status_code == 201
    assert response.get_json()["outcome"] == "quarantined"
    assert "No calendar object" in response.get_json()["summary"]
    missing = api.post("/inbound", data={}, content_type="multipart/form-data")
    assert 400 <= missing.status_code < 500
    assert set(missing.get_json()) == {"code", "message", "field"}
    viewer = _api(client, session, make, Role.VIEWER)
    refused = viewer.post(
        "/inbound", data={"file": (io.BytesIO(raw), "x.eml")}, content_type="multipart/form-data"
    )
    assert refused.status_code == 403
