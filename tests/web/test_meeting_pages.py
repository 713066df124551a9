"""Meeting pages over HTTP: list, filters, calendar, meeting page, create/edit/move/cancel."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from app.auth.models import Role
from app.meetings import catalogue
from app.meetings.models import Meeting, MeetingStatus
from tests.helpers import meeting_form
from tests.web.conftest import csrf_from, sign_in


def _form(client, path, **data):
    data.setdefault("csrf_token", csrf_from(client, path))
    return client.post(path, data=data)


def test_editor_creates_a_meeting_and_sees_it_in_the_viewers_zone(as_editor, session):
    response = _form(as_editor, "/meetings/new", **meeting_form())
    assert response.status_code == 302
    meeting = session.scalar(
        select(Meeting).where(Meeting.title == "Western Balkans working group")
    )
    assert meeting is not None
    assert meeting.start_utc == datetime.fromisoformat("2027-03-10T09:00:00+00:00")
    html = as_editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Wed 10 Mar 2027, 10:00–12:00 CET" in html
    assert "your time (Europe/London): Wed 10 Mar 2027, 09:00–11:00 GMT" in html
    assert "Meeting “Western Balkans working group” created" in html  # history


def test_validation_errors_sit_next_to_the_field_and_input_is_kept(as_editor):
    response = _form(
        as_editor, "/meetings/new", **meeting_form(title="Kept title", end_time="09:00")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'id="end_date-error"' in html
    assert "The meeting must end after it starts" in html
    assert 'value="Kept title"' in html


def test_the_kind_is_chosen_not_defaulted(as_editor, session):
    blank = as_editor.get("/meetings/new").get_data(as_text=True)
    assert '<option value="">Choose the kind of meeting</option><option' in blank
    response = _form(as_editor, "/meetings/new", **meeting_form(kind="", title="No kind"))
    html = response.get_data(as_text=True)
    assert 'id="kind-error"' in html
    assert "Choose the kind of meeting" in html
    assert session.scalar(select(Meeting).where(Meeting.title == "No kind")) is None


def test_a_time_that_does_not_exist_is_refused_on_its_field(as_editor):
    data = meeting_form(start_date="2027-03-28", start_time="01:30", timezone="Europe/London")
    html = _form(as_editor, "/meetings/new", **data).get_data(as_text=True)
    assert 'id="start_date-error"' in html
    assert "does not exist in Europe/London" in html


def test_conflict_warnings_must_be_confirmed(as_editor, session):
    catalogue.mark_unavailable(session, None, date(2027, 3, 10), "Secretariat away day")
    first = _form(as_editor, "/meetings/new", **meeting_form(title="Clashing"))
    html = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "Not saved yet" in html
    assert "Secretariat away day" in html
    assert session.scalar(select(Meeting).where(Meeting.title == "Clashing")) is None
    second = _form(
        as_editor, "/meetings/new", **meeting_form(title="Clashing", confirm_warnings="y")
    )
    assert second.status_code == 302
    assert session.scalar(select(Meeting).where(Meeting.title == "Clashing")) is not None


def test_a_stale_edit_is_refused_and_the_input_kept(as_editor, make, session):
    meeting = make.meeting(title="Original", timezone="Europe/London")
    page = as_editor.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{meeting.version}"' in page
    stale_version = meeting.version
    # A colleague saves first.
    assert (
        _form(
            as_editor, f"/meetings/{meeting.id}/edit", **_edit_data(meeting, "Colleague's")
        ).status_code
        == 302
    )
    response = _form(
        as_editor,
        f"/meetings/{meeting.id}/edit",
        **_edit_data(meeting, "Mine", version=str(stale_version)),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "was changed by someone else" in html
    assert "your change has not been saved" in html
    assert 'value="Mine"' in html
    session.refresh(meeting)
    assert meeting.title == "Colleague's"


def _edit_data(meeting, title, version=None):
    return meeting_form(
        title=title,
        kind="strategic-consultation",
        start_date="2027-03-16",
        start_time="10:00",
        end_time="13:00",
        timezone="Europe/London",
        topics=["russia"],
        version=version or str(meeting.version),
    )


def test_move_and_cancel(as_editor, make, session):
    meeting = make.meeting(title="To move")
    moved = _form(
        as_editor,
        f"/meetings/{meeting.id}/move",
        start_date="2027-04-20",
        start_time="14:00",
        end_date="",
        end_time="15:30",
        timezone="Europe/London",
        version=str(meeting.version),
    )
    assert moved.status_code == 302
    session.refresh(meeting)
    assert meeting.start_utc == datetime.fromisoformat("2027-04-20T13:00:00+00:00")
    cancelled = _form(
        as_editor,
        f"/meetings/{meeting.id}/cancel",
        reason="Host unavailable",
        version=str(meeting.version),
    )
    assert cancelled.status_code == 302
    session.refresh(meeting)
    assert meeting.status is MeetingStatus.CANCELLED
    html = as_editor.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "This meeting is cancelled" in html
    assert "Host unavailable" in html
    assert f"/meetings/{meeting.id}/edit" not in html


def test_delegation_add_and_remove(as_editor, make, session):
    meeting = make.meeting()
    person = make.person(full_name="Ada Delegate")
    added = _form(
        as_editor,
        f"/meetings/{meeting.id}/participants/new",
        person_id=str(person.id),
        role="adviser",
        attendance="whole",
        protocol_order="",
    )
    assert added.status_code == 302
    assert "Ada Delegate" in as_editor.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    token = csrf_from(as_editor, f"/meetings/{meeting.id}")
    removed = as_editor.post(
        f"/meetings/{meeting.id}/participants/{person.id}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 302
    session.refresh(meeting)
    assert meeting.participants == []


def test_list_filters_search_and_pagination(as_viewer, make):
    topic = make.topic(name="Hybrid threats")
    for n in range(30):
        make.meeting(
            title=f"Listed {n:02d}",
            start=datetime(2027, 5, 1 + n % 28, 10),
            end=datetime(2027, 5, 1 + n % 28, 11),
        )
    make.meeting(
        title="Hybrid session",
        topics=[topic.slug],
        start=datetime(2027, 6, 2, 10),
        end=datetime(2027, 6, 2, 11),
    )
    first = as_viewer.get("/meetings?q=Listed").get_data(as_text=True)
    assert "30 meetings" in first
    assert "Page 1 of 2" in first
    second = as_viewer.get("/meetings?q=Listed&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
    by_topic = as_viewer.get(f"/meetings?topic={topic.id}").get_data(as_text=True)
    assert "Hybrid session" in by_topic
    assert "Listed 00" not in by_topic
    ranged = as_viewer.get("/meetings?date_from=2027-06-01&date_to=2027-06-30").get_data(
        as_text=True
    )
    assert "Hybrid session" in ranged
    assert "Listed" not in ranged
    nothing = as_viewer.get("/meetings?q=zzz-no-such").get_data(as_text=True)
    assert "No meetings match these filters" in nothing
    # Bad input is a message or ignored, never a 500.
    assert as_viewer.get("/meetings?date_from=not-a-date&page=x&topic=y").status_code == 200


def test_calendar_places_meetings_on_their_local_date(as_viewer, make):
    # 23:30 in Brussels on 9 March is 22:30 UTC the same day; 00:30 on the 10th is the 9th in UTC.
    make.meeting(
        title="Late night",
        timezone="Europe/Brussels",
        start=datetime(2027, 3, 10, 0, 30),
        end=datetime(2027, 3, 10, 1, 30),
    )
    html = as_viewer.get("/meetings/calendar?month=2027-03").get_data(as_text=True)
    assert "March 2027" in html
    cell = html.split('10<span class="visually-hidden"> March 2027')[1].split("</td>")[0]
    assert "Late night" in cell
    assert as_viewer.get("/meetings/calendar?month=2027-13").status_code == 400


def test_meeting_page_for_a_viewer_has_no_edit_controls(as_viewer, make):
    meeting = make.meeting(title="Read only")
    make.invitation(meeting)
    html = as_viewer.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Read only" in html
    assert "Invitations" in html
    assert f"/meetings/{meeting.id}/agenda" in html
    assert "/edit" not in html
    assert "Record reply" not in html
    assert as_viewer.get("/meetings/999999").status_code == 404


def test_draft_agenda_items_show_to_editors_only(client, make, app):
    meeting = make.meeting()
    make.item(meeting, "Draft item not yet circulated")
    viewer, editor = make.user(Role.VIEWER), make.user(Role.EDITOR)
    sign_in(client, viewer)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "No agenda circulated yet" in html
    assert "Draft item not yet circulated" not in html
    other = app.test_client()
    sign_in(other, editor)
    assert "Draft item not yet circulated" in other.get(f"/meetings/{meeting.id}").get_data(
        as_text=True
    )
