"""Need-to-know in the web UI: a restricted meeting is read only by editors, admins and users
linked to someone in its delegation; to anyone else it is as if it did not exist."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import User
from app.meetings.services import half_of
from tests import restricted
from tests.web.conftest import sign_in

EXPORTS = ("pdf", "docx", "html", "md")
UNKNOWN = 999_999


@pytest.fixture
def scenario(session, make):
    return restricted.build(session, make)


@pytest.fixture
def as_user(app: Flask, client: FlaskClient):
    """A new client signed in as `user` (the `client` fixture sets the test client class)."""

    def signed_in(user: User) -> FlaskClient:
        return sign_in(app.test_client(), user)

    return signed_in


def _pages(meeting_id: int) -> list[str]:
    base = f"/meetings/{meeting_id}"
    return [
        base,
        f"{base}/agenda",
        f"{base}/agenda/versions/1",
        f"{base}/agenda/compare?from=1&to=1",
        *(f"{base}/agenda.{fmt}" for fmt in EXPORTS),
        f"{base}/pack.pdf",
    ]


def _lists(scenario: restricted.Scenario) -> list[str]:
    month = scenario.start.strftime("%Y-%m")
    return [
        "/",
        "/meetings",
        # Searches match the title and the venue (the query itself is echoed in the page).
        "/meetings?q=strategic+talks",
        "/meetings?q=Kestrel",
        "/meetings?topic=&status=tentative",
        f"/meetings/calendar?month={month}",
        "/invitations",
        "/invitations?status=all",
        "/planning",
    ]


def _without_id(text: str, meeting_id: int) -> str:
    """The page without the meeting's id and the CSRF token (it carries a timestamp, so two
    pages rendered a second apart differ there)."""
    text = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', text)
    return text.replace(f"with id {meeting_id}", "with id ID")


def test_an_outsider_gets_the_same_404_as_for_an_unknown_meeting(scenario, as_user):
    outsider = as_user(scenario.outsider)
    for restricted_page, unknown_page in zip(
        _pages(scenario.meeting.id), _pages(UNKNOWN), strict=True
    ):
        hidden, unknown = outsider.get(restricted_page), outsider.get(unknown_page)
        assert hidden.status_code == 404, restricted_page
        body = hidden.get_data(as_text=True)
        assert restricted.leaks(body) == []
        assert _without_id(body, scenario.meeting.id) == _without_id(
            unknown.get_data(as_text=True), UNKNOWN
        ), restricted_page
    # A draft export is for editors (403); for a meeting one may not read it is still 404.
    assert outsider.get(f"/meetings/{scenario.meeting.id}/agenda.pdf?draft=1").status_code == 404


def test_an_outsider_never_sees_the_meeting_in_any_list(scenario, as_user):
    outsider = as_user(scenario.outsider)
    for page in _lists(scenario):
        response = outsider.get(page)
        assert response.status_code == 200, page
        assert restricted.leaks(response.get_data(as_text=True)) == [], page
    # What they may read is still there.
    assert "Open partnership meeting" in outsider.get("/meetings").get_data(as_text=True)


def test_the_dashboard_panels_leave_it_out_for_an_outsider_only(scenario, as_user):
    def panels(user: User) -> dict[str, str]:
        html = as_user(user).get("/").get_data(as_text=True)
        names = ("next-title", "replies-title", "agendas-title")
        return {name: html.split(f'id="{name}"')[1].split("</section>")[0] for name in names}

    seen = panels(scenario.editor)
    assert restricted.TITLE in seen["next-title"]
    assert restricted.TITLE in seen["replies-title"]
    assert "Nightjar follow-up" in seen["agendas-title"]
    for name, panel in panels(scenario.outsider).items():
        assert restricted.leaks(panel) == [], name


def test_a_double_booking_with_it_does_not_name_it(scenario, as_user):
    page = f"/meetings/{scenario.internal.id}"
    outsider = as_user(scenario.outsider).get(page).get_data(as_text=True)
    assert "Priya Delegate is also in a meeting whose details are restricted" in outsider
    assert restricted.leaks(outsider) == []
    assert f"/meetings/{scenario.meeting.id}" not in outsider
    editor = as_user(scenario.editor).get(page).get_data(as_text=True)
    assert f"Priya Delegate is also in “{restricted.TITLE}”" in editor


@pytest.mark.parametrize("who", ["insider", "editor"])
def test_its_delegates_and_editors_read_it_everywhere(scenario, as_user, who):
    reader = as_user(getattr(scenario, who))
    meeting_id = scenario.meeting.id
    for page in _pages(meeting_id):
        response = reader.get(page)
        if who == "insider" and "/compare" in page:
            assert response.status_code == 403  # a one-side delegate: changes name both sides
            continue
        assert response.status_code == 200, page
    html = reader.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert restricted.TITLE in html
    assert "Kestrel Room" in html
    assert "Lines on Nightjar" in html
    assert "Nightjar opening item" in reader.get(f"/meetings/{meeting_id}/agenda.md").get_data(
        as_text=True
    )
    for page in ("/meetings?q=strategic+talks", "/invitations", "/planning"):
        assert restricted.TITLE in reader.get(page).get_data(as_text=True), page


def test_being_invited_is_not_being_in_the_delegation(scenario, as_user):
    invitee = as_user(scenario.invitee)
    assert invitee.get(f"/meetings/{scenario.meeting.id}").status_code == 404
    assert restricted.leaks(invitee.get("/invitations").get_data(as_text=True)) == []


def test_planning_counts_it_without_naming_it(scenario, as_user):
    half = half_of(scenario.meeting.start_utc, scenario.meeting.timezone)

    def row(user: User) -> str:
        html = as_user(user).get("/planning").get_data(as_text=True)
        return html.split(f'id="half-{half}"')[1].split("</tr>")[0]

    hidden = row(scenario.outsider)
    assert "scheduled" in hidden
    assert "Details restricted" in hidden
    assert restricted.leaks(hidden) == []
    assert f"/meetings/{scenario.meeting.id}" not in hidden
    shown = row(scenario.insider)
    assert restricted.TITLE in shown
    assert "Details restricted" not in shown
    dashboard = as_user(scenario.outsider).get("/").get_data(as_text=True)
    gaps = dashboard.split('id="halves-title"')[1].split("</section>")[0]
    assert half not in gaps  # the half-year is planned, whoever may read the meeting
