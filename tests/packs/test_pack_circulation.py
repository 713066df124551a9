"""The pack on the agenda page (a "Briefing pack" button per side the reader may read) and in
the circulation e-mail (a link behind sign-in when the editor asks for it, never the file),
through the real circulate form and a real SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from app.agendas.versions import circulate
from app.audit.actions import AuditAction
from app.audit.models import AuditEntry
from app.auth.models import Role
from app.people.models import Side
from tests.api.conftest import api_as
from tests.notifications.conftest import mail_settings, smtp
from tests.notifications.test_meeting_changes import setup_meeting, sweep
from tests.web.conftest import csrf_from, sign_in

__all__ = ["api_as", "mail_settings", "smtp"]
T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _pack_links(html: str, meeting_id: int) -> list[str]:
    return re.findall(rf'href="(/meetings/{meeting_id}/pack\.pdf[^"]*)"', html)


def test_agenda_page_offers_a_pack_per_side_the_reader_may_read(app, as_editor, make, session):
    meeting = make.meeting()
    make.item(meeting, "Opening")
    page = as_editor.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True)
    assert _pack_links(page, meeting.id) == []  # nothing circulated: no pack yet
    circulate(session, None, meeting.id)
    page = as_editor.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True)
    assert _pack_links(page, meeting.id) == [
        f"/meetings/{meeting.id}/pack.pdf?side=uk&amp;version=1",
        f"/meetings/{meeting.id}/pack.pdf?side=eu&amp;version=1",
    ]
    assert "Briefing pack" in page
    delegate = make.user(Role.VIEWER)
    delegate.person_id = make.person(make.organisation(Side.EU)).id
    reader = sign_in(app.test_client(), delegate)
    page = reader.get(f"/meetings/{meeting.id}/agenda").get_data(as_text=True)
    only_eu = f"/meetings/{meeting.id}/pack.pdf?side=eu&amp;version=1"
    assert _pack_links(page, meeting.id) == [only_eu]


def test_circulating_with_the_pack_link_mails_the_link_not_the_file(
    client, editor, make, session, smtp, mail_settings
):
    server, _port = smtp
    with time_machine.travel(T0, tick=False):
        as_editor = sign_in(client, editor)  # at the frozen time, so the session is fresh
        meeting = setup_meeting(make, session)
        make.item(meeting, "Russia")
        sweep(session, mail_settings, T0)
        path = f"/meetings/{meeting.id}/agenda"
        form = {"csrf_token": csrf_from(as_editor, path), "note": "", "pack_link": "y"}
        confirm = as_editor.post(f"{path}/circulate", data=form)
        assert confirm.status_code == 200  # circulating is confirmed first (issue 17)
        assert '<input type="hidden" name="pack_link" value="y">' in confirm.get_data(as_text=True)
        response = as_editor.post(f"{path}/circulate", data={**form, "confirmed": "yes"})
        assert response.status_code == 302
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.action == AuditAction.AGENDA_CIRCULATED)
        )
        assert entry.changes["pack_link"] is True
        assert sweep(session, mail_settings, T0) == 2  # the delegate and the invited person
    [mail] = server.to("invited@uk.example")[-1:]
    message = mail.message
    assert message["Subject"] == f"Agenda circulated: {meeting.title}"
    body = message.get_body(("plain",)).get_content()
    link = f"{mail_settings.base_url.rstrip('/')}/meetings/{meeting.id}/pack.pdf?version=1"
    assert link in body
    assert "sign in" in body
    html = message.get_body(("html",)).get_content()
    assert f'href="{link}"' in html
    assert not [p for p in message.walk() if p.get_content_type() == "application/pdf"]


def test_circulating_without_the_pack_link_mentions_no_pack(make, session, smtp, mail_settings):
    server, _port = smtp
    with time_machine.travel(T0, tick=False):
        meeting = setup_meeting(make, session)
        item = make.item(meeting, "Russia")
        sweep(session, mail_settings, T0)
        circulate(session, None, meeting.id)  # version 1 without the link: no e-mail
        assert sweep(session, mail_settings, T0) == 0
        make.stored_as(item, title="Russia and Ukraine")
        circulate(session, None, meeting.id, final=True)
        assert sweep(session, mail_settings, T0) == 2
    body = server.to("invited@uk.example")[-1].message.get_body(("plain",)).get_content()
    assert "re-circulated (version 2)" in body
    assert "pack.pdf" not in body


def test_the_api_circulates_with_the_pack_link(api_as, make, session):
    meeting = make.meeting()
    make.item(meeting, "Opening")
    editor = api_as(Role.EDITOR)
    answer = editor.post(f"/meetings/{meeting.id}/agenda/circulate", json={"pack_link": True})
    assert answer.status_code == 201, answer.get_json()
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == AuditAction.AGENDA_CIRCULATED, AuditEntry.entity_id == meeting.id
        )
    )
    assert entry.changes["pack_link"] is True
    refused = editor.post(f"/meetings/{meeting.id}/agenda/circulate", json={"pack_link": "maybe"})
    assert refused.status_code == 422
    assert refused.get_json()["field"] == "pack_link"
