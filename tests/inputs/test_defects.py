"""Issue 11 items 8-10: each input a reviewer found taking a page, form or the API down, or
getting through unchecked. Every refusal is a clear 4xx or form error naming the field, and
writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.auth.models import Role
from app.core import validation
from app.core.errors import InvalidTransition, ValidationError
from app.core.timezones import zone
from app.invitations.services import InvitationInput, issue_invitation
from app.meetings.services import create_meeting
from app.people.models import Side
from tests.helpers import meeting_form, unchanged
from tests.web.conftest import csrf_from


def _post(client, path: str, data: dict[str, object]):
    return client.post(path, data={**data, "csrf_token": csrf_from(client, path)})


# --- 8. one set of bounds ------------------------------------------------------------------


@pytest.mark.parametrize("year", ["1899", "2201", "9999"])
def test_the_meeting_form_refuses_years_outside_the_bounds(as_editor, session, year):
    with unchanged(session):
        response = _post(as_editor, "/meetings/new", meeting_form(start_date=f"{year}-03-10"))
    assert response.status_code == 200  # the form again, with the error on its field
    assert validation.YEARS_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize("half", ["9999-H2", "1899-H1", "0000-H1"])
def test_a_planned_half_year_outside_the_bounds_is_refused(as_editor, session, make, half):
    with unchanged(session):
        response = _post(as_editor, "/meetings/new", meeting_form(planned_half=half))
        assert response.status_code == 200
        assert "Planned half-year looks like" in response.get_data(as_text=True)
        with pytest.raises(ValidationError) as refused:
            make.meeting(planned_half=half)
    assert refused.value.field == "planned_half"


def test_the_services_refuse_a_meeting_outside_the_bounds(make, session):
    with unchanged(session), pytest.raises(ValidationError) as refused:
        create_meeting(
            session,
            None,
            make.meeting_input(start=datetime(2201, 1, 1, 10), end=datetime(2201, 1, 1, 12)),
        )
    assert (refused.value.field, refused.value.message) == ("start", validation.YEARS_MESSAGE)


def test_the_api_and_the_services_share_the_bounds(api_as, session):
    editor = api_as(Role.EDITOR)
    session.commit()  # the API rolls back a refused request: keep its user
    body = {
        "title": "Far future",
        "kind": "working-group",
        "start": "2201-01-01T10:00:00",
        "end": "2201-01-01T12:00:00",
        "timezone": "Europe/London",
    }
    with unchanged(session):
        response = editor.post("/meetings", json=body)
    assert response.status_code == 422
    assert response.get_json()["field"] in {"start", "end"}
    assert validation.YEARS_MESSAGE in response.get_json()["message"]


def test_the_planning_command_refuses_years_outside_the_bounds(cli, make, session):
    series = make.series()
    session.commit()  # the command rolls back when it refuses
    with unchanged(session):
        result = cli.invoke(
            args=["consultations", "plan", "--series", series.slug, "--to", "9999-H2"]
        )
    assert result.exit_code != 0
    assert validation.YEARS_MESSAGE in result.output
    assert "(to)" in result.output


# --- 9. the 500s ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end", "zone_name"),
    [
        ("9999-12-31", "22:00", "23:00", "America/New_York"),
        ("0001-01-01", "00:30", "01:30", "Asia/Tokyo"),
    ],
)
def test_a_meeting_at_the_ends_of_the_calendar_is_a_form_error(
    as_editor, session, day, start, end, zone_name
):
    data = meeting_form(start_date=day, start_time=start, end_time=end, timezone=zone_name)
    with unchanged(session):
        response = _post(as_editor, "/meetings/new", data)
    assert response.status_code == 200
    assert validation.YEARS_MESSAGE in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("start", "end", "zone_name"),
    [
        ("9999-12-31T22:00:00", "9999-12-31T23:00:00", "America/New_York"),
        ("0001-01-01T00:30:00", "0001-01-01T01:30:00", "Asia/Tokyo"),
    ],
)
def test_a_meeting_at_the_ends_of_the_calendar_is_a_422_from_the_api(
    api_as, session, start, end, zone_name
):
    body = {"title": "Edge", "kind": "working-group", "start": start, "end": end}
    editor = api_as(Role.EDITOR)
    session.commit()
    with unchanged(session):
        response = editor.post("/meetings", json={**body, "timezone": zone_name})
    assert response.status_code == 422
    assert response.get_json()["field"] in {"start", "end"}


@pytest.mark.parametrize(("path", "status"), [("/meetings", 200), ("/meetings/calendar", 400)])
@pytest.mark.parametrize("name", ["date_to", "date_from"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_list_and_calendar_date_filters_at_the_ends_of_the_calendar(
    as_viewer, path, status, name, value
):
    """The list shows the error on its filter field; the calendar, which has no date fields
    on the page, answers 400 naming the parameter."""
    response = as_viewer.get(path, query_string={name: value})
    assert response.status_code == status
    assert validation.YEARS_MESSAGE in response.get_data(as_text=True)


def test_planning_outside_the_bounds_is_a_400_naming_the_field(as_viewer, make):
    make.series(slug="strategic-consultations")
    response = as_viewer.get("/planning", query_string={"from": "0000-H1", "to": "0000-H2"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "from: " + validation.YEARS_MESSAGE in html


def test_deeply_nested_json_is_a_400_in_the_house_shape(api_as, session):
    editor = api_as(Role.EDITOR)
    session.commit()
    with unchanged(session):
        response = editor.post("/meetings", data="[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"code", "message", "field"}
    assert body["code"] == "bad_request"


# --- 10. validation gaps -----------------------------------------------------------------


@pytest.mark.parametrize("parent_id", ["abc", "-1", "0", str(2**40), "999999"])
def test_an_unknown_parent_item_is_refused_on_the_agenda_form(as_editor, make, session, parent_id):
    meeting = make.meeting()
    session.commit()
    path = f"/meetings/{meeting.id}/agenda"
    data = {"title": "Orphan", "parent_id": parent_id, "csrf_token": csrf_from(as_editor, path)}
    with unchanged(session):
        response = as_editor.post(f"{path}/items", data=data)
    assert response.status_code == 422
    assert "Choose an item of this agenda" in response.get_data(as_text=True)


def test_an_unknown_parent_item_is_refused_when_moving(as_editor, make, session):
    meeting = make.meeting()
    parent = make.item(meeting, "Parent")
    child = make.item(meeting, "Child", parent=parent)
    session.commit()
    path = f"/meetings/{meeting.id}/agenda/items/{child.id}"
    data = {"parent_id": "abc", "position": "1", "csrf_token": csrf_from(as_editor, path)}
    response = as_editor.post(f"{path}/move", data=data)
    assert response.status_code == 422
    session.refresh(child)
    assert child.parent_id == parent.id


def test_an_unknown_parent_item_is_refused_by_the_api(api_as, make, session):
    meeting = make.meeting()
    editor = api_as(Role.EDITOR)
    session.commit()
    with unchanged(session):
        response = editor.post(
            f"/meetings/{meeting.id}/agenda/items", json={"title": "Orphan", "parent_id": 999999}
        )
    assert 400 <= response.status_code < 500
    assert response.get_json()["field"] in {"parent_id", "item", None}


@pytest.mark.parametrize(
    "name",
    ["localtime", "Factory", "EST5EDT", "US/Eastern", "GB", "Etc/GMT+12", "posix/Europe/London"],
)
def test_only_place_zone_names_are_accepted(make, session, name):
    with pytest.raises(ValidationError) as refused:
        zone(name)
    assert refused.value.field == "timezone"
    with unchanged(session), pytest.raises(ValidationError):
        make.meeting(timezone=name)


@pytest.mark.parametrize(
    "name", ["UTC", "Europe/London", "Pacific/Kiritimati", "America/Argentina/Buenos_Aires"]
)
def test_place_zone_names_and_utc_are_accepted(name):
    assert zone(name).key == name


def test_a_line_break_in_a_title_cannot_forge_an_email_header(make, session):
    with unchanged(session), pytest.raises(ValidationError) as refused:
        make.meeting(title="Consultation\r\nBcc: leak@example.com")
    assert refused.value.field == "title"


def test_a_bidi_override_cannot_reach_the_summary(make, session):
    with unchanged(session), pytest.raises(ValidationError) as refused:
        make.meeting(title="Consultation \u202egnitsoh")
    assert refused.value.field == "title"


def test_descriptions_keep_line_breaks_but_refuse_nul_and_bidi_overrides(make, session):
    meeting = make.meeting(description="Line one\r\nLine two\n\tindented")
    assert meeting.description == "Line one\r\nLine two\n\tindented"
    for bad in ("a\x00b", "a\u202eb", "a\u2066b"):
        with unchanged(session), pytest.raises(ValidationError) as refused:
            make.meeting(description=bad)
        assert refused.value.field == "description"


def test_nobody_can_be_invited_to_a_meeting_already_held(make, session):
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    held = make.meeting(start=now - timedelta(days=2), end=now - timedelta(days=2, hours=-2))
    data = InvitationInput(
        meeting_id=held.id,
        inviter_id=make.organisation(Side.EU).id,
        invitee_id=make.organisation(Side.UK).id,
    )
    with unchanged(session), pytest.raises(InvalidTransition) as refused:
        issue_invitation(session, None, data)
    assert refused.value.field == "meeting_id"
    assert "ended" in refused.value.message


def test_head_login_answers_like_get(client):
    get = client.get("/login")
    head = client.head("/login")
    assert (head.status_code, get.status_code) == (200, 200)


@pytest.mark.parametrize("value", ["Consultation\r\nBcc: leak@example.com", "Consult\u202eation"])
def test_the_api_refuses_line_breaks_and_overrides_in_single_line_fields(
    api_as, make, session, value
):
    meeting = make.meeting()
    editor = api_as(Role.EDITOR)
    session.commit()
    body = {
        "title": value,
        "kind": "working-group",
        "start": "2027-09-21T10:00:00",
        "end": "2027-09-21T13:00:00",
        "timezone": "Europe/Brussels",
    }
    with unchanged(session):
        created = editor.post("/meetings", json=body)
        item = editor.post(f"/meetings/{meeting.id}/agenda/items", json={"title": value})
    assert (created.status_code, created.get_json()["field"]) == (422, "title")
    assert (item.status_code, item.get_json()["field"]) == (422, "title")
