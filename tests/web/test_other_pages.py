"""Dashboard, invitations, planning, topics, people, organisations, audit log, users, account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.agendas import versions
from app.auth.models import Role, User
from app.core import clock
from app.invitations.models import InvitationStatus
from app.invitations.services import InvitationFilter, list_invitations
from app.meetings.models import Meeting, MeetingStatus
from app.meetings.services import change_status
from app.people.models import Side
from app.people.services import get_organisation_by_code
from app.topics.models import TopicArea
from tests import factories
from tests.web.conftest import csrf_from, sign_in


def _post(client, form_page, action=None, **data):
    data.setdefault("csrf_token", csrf_from(client, form_page))
    return client.post(action or form_page, data=data)


def test_dashboard_shows_each_panel(as_viewer, make, session):
    soon = clock.now() + timedelta(days=5)
    meeting = make.meeting(title="Soon without agenda", start=soon, end=soon + timedelta(hours=2))
    make.invitation(meeting, reply_deadline=clock.now() + timedelta(days=2))
    make.series(slug="strategic-consultations")
    html = as_viewer.get("/").get_data(as_text=True)
    assert "Next meetings" in html
    assert html.count("Soon without agenda") >= 3  # next meetings, replies awaited, agendas due
    assert "Half-years without a consultation" in html
    assert "none planned" in html


def test_issue_invitation_record_acceptance_and_withdraw(as_editor, make, session):
    meeting = make.meeting()
    eu, uk = make.organisation(Side.EU), make.organisation(Side.UK)
    envoy = make.person(uk, full_name="Uma Envoy")
    issued = _post(
        as_editor,
        f"/invitations/new/{meeting.id}",
        inviter_id=str(eu.id),
        invitee_id=str(uk.id),
        invitee_person_id="",
        scope="whole",
        deadline_date="2027-03-01",
        deadline_time="",
        message="Please attend",
    )
    assert issued.status_code == 302
    (invitation,) = list_invitations(session, None, InvitationFilter(meeting_id=meeting.id))
    assert invitation.reply_deadline == datetime.fromisoformat("2027-03-01T23:59:59+00:00")
    replied = _post(
        as_editor,
        f"/invitations/{invitation.id}/reply",
        status="accepted",
        representative_id=str(envoy.id),
        note="",
        version=str(invitation.version),
    )
    assert replied.status_code == 302
    session.refresh(invitation)
    assert invitation.status is InvitationStatus.ACCEPTED
    assert invitation.representative_id == envoy.id
    page = as_editor.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "accepted" in page
    assert "Uma Envoy" in page
    withdrawn = _post(
        as_editor,
        f"/invitations/{invitation.id}/reply",
        f"/invitations/{invitation.id}/withdraw",
        **{"withdraw-reason": "Format changed", "withdraw-version": str(invitation.version)},
    )
    assert withdrawn.status_code == 302
    session.refresh(invitation)
    assert invitation.status is InvitationStatus.WITHDRAWN


def test_invitation_errors_are_shown_on_the_form(as_editor, make):
    meeting = make.meeting()
    eu = make.organisation(Side.EU)
    html = _post(
        as_editor,
        f"/invitations/new/{meeting.id}",
        inviter_id=str(eu.id),
        invitee_id=str(eu.id),
        invitee_person_id="",
        scope="whole",
    ).get_data(as_text=True)
    assert "An organisation cannot invite itself" in html
    assert 'id="invitee_id-error"' in html


def test_invitations_list_shows_those_awaiting_reply(as_viewer, make):
    make.invitation(make.meeting(title="Awaiting meeting"))
    assert "Awaiting meeting" in as_viewer.get("/invitations").get_data(as_text=True)
    assert "Awaiting meeting" not in as_viewer.get("/invitations?status=accepted").get_data(
        as_text=True
    )


def test_planning_proposals_can_be_scheduled(as_editor, make, session):
    series = make.series(slug="strategic-consultations")
    html = as_editor.get("/planning?from=2027-H2&to=2027-H2").get_data(as_text=True)
    assert "2027-H2" in html
    assert "missing" in html
    response = _post(
        as_editor,
        "/planning",
        "/planning/schedule",
        series=series.slug,
        half="2027-H2",
        **{"from": "2027-H2", "to": "2027-H2"},
    )
    assert response.status_code == 302
    created = session.scalars(select(Meeting).where(Meeting.series_id == series.id)).all()
    assert [m.planned_half for m in created] == ["2027-H2"]


def test_topics_people_and_organisations(as_editor, session):
    assert (
        _post(as_editor, "/topics/new", slug="arctic", name="Arctic", description="").status_code
        == 302
    )
    assert session.scalar(select(TopicArea).where(TopicArea.slug == "arctic")) is not None
    bad = _post(as_editor, "/topics/new", slug="Not A Slug", name="X", description="")
    assert 'id="slug-error"' in bad.get_data(as_text=True)
    assert (
        _post(
            as_editor,
            "/organisations/new",
            code="MOD",
            name="Ministry of Defence",
            side="uk",
            parent_id="",
        ).status_code
        == 302
    )
    org_id = get_organisation_by_code(session, "MOD").id
    created = _post(
        as_editor,
        "/people/new",
        honorific="",
        full_name="Sam Minister",
        position="Minister",
        email="",
        organisation_id=str(org_id),
    )
    assert created.status_code == 302
    assert "Sam Minister" in as_editor.get(f"/people?organisation={org_id}").get_data(as_text=True)
    assert "Ministry of Defence" in as_editor.get("/organisations").get_data(as_text=True)


def test_audit_log_filters(as_editor, make):
    make.topic(name="Audited topic")
    html = as_editor.get("/audit?entity_type=topic").get_data(as_text=True)
    assert "Topic area Audited topic added" in html
    other = as_editor.get("/audit?entity_type=user").get_data(as_text=True)
    assert "Audited topic" not in other
    assert as_editor.get("/audit?since=nonsense&page=0").status_code == 200


def test_admin_manages_users(as_admin, app, session):
    created = _post(
        as_admin,
        "/admin/users/new",
        email="new.officer@entente.test",
        name="New Officer",
        role="editor",
        password=factories.PASSWORD,
    )
    assert created.status_code == 302
    user = session.scalar(select(User).where(User.email == "new.officer@entente.test"))
    assert user.role is Role.EDITOR
    short = _post(
        as_admin, "/admin/users/new", email="x@entente.test", role="viewer", password="short"
    )
    assert "at least 10 characters" in short.get_data(as_text=True)
    assert _post(as_admin, f"/admin/users/{user.id}", role="viewer").status_code == 302
    session.refresh(user)
    assert user.role is Role.VIEWER

    officer = app.test_client()
    sign_in(officer, user)
    assert officer.get("/").status_code == 200
    disabled = _post(as_admin, f"/admin/users/{user.id}", f"/admin/users/{user.id}/active")
    assert disabled.status_code == 302
    assert officer.get("/").status_code == 302  # their session ended at once


def test_account_time_zone_changes_the_times_shown_alongside(as_viewer, make):
    meeting = make.meeting(timezone="Europe/London")
    assert _post(as_viewer, "/account", timezone="Asia/Tokyo").status_code == 302
    html = as_viewer.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "your time (Asia/Tokyo): Tue 16 Mar 2027, 19:00–22:00 JST" in html
    refused = _post(as_viewer, "/account", timezone="Mars/Base")
    assert refused.status_code == 200
    assert 'id="timezone-error"' in refused.get_data(as_text=True)
    assert "Not a valid choice" in refused.get_data(as_text=True)
    html = as_viewer.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "your time (Asia/Tokyo)" in html  # the refused zone changed nothing


def test_agendas_due_lists_uncirculated_agendas_falling_due(as_viewer, make, session):
    def meeting_in(days, title):
        start = clock.now() + timedelta(days=days)
        return make.meeting(title=title, start=start, end=start + timedelta(hours=1))

    meeting_in(6, "Late agenda meeting")
    far = meeting_in(40, "Far away meeting")
    circulated = meeting_in(7, "Circulated agenda meeting")
    make.item(circulated, "Opening")
    versions.circulate(session, None, circulated.id)
    html = as_viewer.get("/").get_data(as_text=True)
    panel = html.split('id="agendas-title"')[1].split("</section>")[0]
    assert "Late agenda meeting" in panel
    assert "late" in panel
    assert far.title not in panel
    assert "Circulated agenda meeting" not in panel


def test_agendas_due_leaves_out_postponed_meetings(as_viewer, make, session):
    """A postponed meeting has no date to prepare for: neither the panel nor the alert."""
    start = clock.now() + timedelta(days=6)
    postponed = make.meeting(
        title="Postponed agenda meeting", start=start, end=start + timedelta(hours=1)
    )
    change_status(session, None, postponed.id, MeetingStatus.POSTPONED)
    html = as_viewer.get("/").get_data(as_text=True)
    panel = html.split('id="agendas-title"')[1].split("</section>")[0]
    assert "Postponed agenda meeting" not in panel


def test_agendas_due_looks_as_far_ahead_as_the_preparation_period(
    app, as_viewer, make, monkeypatch
):
    """With 30 working days (six weeks) to prepare, a meeting 50 days away has its agenda due
    in about a week: the panel lists it (it looked 45 days ahead whatever the setting)."""
    settings = app.extensions["entente.settings"]
    monkeypatch.setitem(
        app.extensions, "entente.settings", settings.replace(agenda_due_working_days=30)
    )
    start = clock.now() + timedelta(days=50)
    make.meeting(title="Six weeks to prepare", start=start, end=start + timedelta(hours=1))
    html = as_viewer.get("/").get_data(as_text=True)
    panel = html.split('id="agendas-title"')[1].split("</section>")[0]
    assert "Six weeks to prepare" in panel


def test_people_list_is_paged_in_name_order(as_viewer, make):
    unit = make.organisation(Side.UK)
    for n in range(55):
        make.person(unit, full_name=f"Paged Person {n:02d}")
    first = as_viewer.get(f"/people?organisation={unit.id}").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "Paged Person 49" in first
    assert "Paged Person 50" not in first
    second = as_viewer.get(f"/people?organisation={unit.id}&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
    assert "Paged Person 54" in second
    assert "Paged Person 49" not in second
    # the link to the previous page keeps the filter
    assert f"organisation={unit.id}" in second.split('rel="prev"')[0].rsplit("href=", 1)[1]


def test_invitations_list_is_paged_and_keeps_the_status(as_viewer, make):
    meetings = [make.meeting(title=f"Invited meeting {n:02d}") for n in range(52)]
    for n, meeting in enumerate(meetings):
        make.invitation(
            meeting, reply_deadline=datetime(2027, 1, 1, tzinfo=UTC) + timedelta(days=n)
        )
    first = as_viewer.get("/invitations?status=open").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "Invited meeting 00" in first
    assert "Invited meeting 50" not in first
    second = as_viewer.get("/invitations?status=open&page=2").get_data(as_text=True)
    assert "Invited meeting 51" in second
    assert "Invited meeting 00" not in second
    beyond = as_viewer.get("/invitations?status=open&page=999")
    assert beyond.status_code == 200
    assert "Page 2 of 2" in beyond.get_data(as_text=True)
