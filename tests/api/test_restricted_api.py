"""Need-to-know in the JSON API: a restricted meeting, its delegation, agenda versions and
invitations are answered as not found to a user who may not read it, and left out of lists."""

from __future__ import annotations

import pytest

from app.auth import services as auth
from app.auth.models import User
from app.meetings.services import half_of
from tests import restricted
from tests.api.conftest import Api

UNKNOWN = 999_999


@pytest.fixture
def scenario(session, make):
    return restricted.build(session, make)


@pytest.fixture
def api_for(client, session):
    def build(user: User) -> Api:
        token = auth.issue_api_token(session, None, user.id, "test")
        session.commit()  # a 404 rolls the request's session back: keep the token
        return Api(client, token)

    return build


def _reads(meeting_id: int) -> list[str]:
    base = f"/meetings/{meeting_id}"
    return [
        base,
        f"{base}/delegation",
        f"{base}/agenda/versions",
        f"{base}/agenda/versions/1",
        f"{base}/agenda/compare?old=1&new=1",
    ]


def test_an_outsider_gets_the_same_404_as_for_an_unknown_meeting(scenario, api_for):
    outsider = api_for(scenario.outsider)
    for hidden_path, unknown_path in zip(_reads(scenario.meeting.id), _reads(UNKNOWN), strict=True):
        hidden, unknown = outsider.get(hidden_path), outsider.get(unknown_path)
        assert hidden.status_code == unknown.status_code == 404, hidden_path
        assert hidden.json["message"] == f"No meeting with id {scenario.meeting.id}"
        assert {**hidden.json, "message": ""} == {**unknown.json, "message": ""}
        assert hidden.headers.get("ETag") is None
    invitation = outsider.get(f"/invitations/{scenario.invitation.id}")
    assert invitation.status_code == 404
    assert invitation.json == outsider.get(f"/invitations/{UNKNOWN}").json | {
        "message": f"No invitation with id {scenario.invitation.id}"
    }


def test_an_outsider_finds_it_in_no_list(scenario, api_for):
    outsider = api_for(scenario.outsider)
    hidden = {scenario.meeting.id, scenario.uncirculated.id}
    meetings = outsider.get("/meetings?per_page=200").json
    assert hidden.isdisjoint(m["id"] for m in meetings["items"])
    assert scenario.internal.id in {m["id"] for m in meetings["items"]}
    assert meetings["total"] == len(meetings["items"])
    for path in ("/meetings?topic=russia", "/meetings?status=tentative&per_page=200"):
        assert hidden.isdisjoint(m["id"] for m in outsider.get(path).json["items"]), path
    by_organisation = f"/meetings?organisation={scenario.delegate.organisation_id}"
    assert [m["id"] for m in outsider.get(by_organisation).json["items"]] == [scenario.internal.id]
    topic_id = scenario.meeting.topics[0].id
    for path in (
        "/invitations",
        "/invitations?open_only=true",
        f"/invitations?topic_id={topic_id}",
    ):
        listed = outsider.get(path).json
        assert hidden.isdisjoint(i["meeting_id"] for i in listed), path
    assert outsider.get(f"/invitations?meeting_id={scenario.meeting.id}").json == []
    plans = outsider.get("/consultations/plan").json
    assert hidden.isdisjoint(
        i for plan in plans for i in plan["meeting_ids"] + plan["moved_out_ids"]
    )


def test_planning_counts_it_without_its_id(scenario, api_for):
    half = half_of(scenario.meeting.start_utc, scenario.meeting.timezone)

    def plan_of(user: User) -> dict:
        plans = api_for(user).get("/consultations/plan").json
        return next(plan for plan in plans if plan["half"] == half)

    hidden = plan_of(scenario.outsider)
    assert hidden["state"] == "scheduled"
    assert hidden["meeting_ids"] == []
    assert hidden["restricted"] == 1
    assert hidden["proposal"] is None
    shown = plan_of(scenario.insider)
    assert shown["state"] == "scheduled"
    assert shown["meeting_ids"] == [scenario.meeting.id]
    assert shown["restricted"] == 0


@pytest.mark.parametrize("who", ["insider", "editor"])
def test_its_delegates_and_editors_read_it(scenario, api_for, who):
    reader = api_for(getattr(scenario, who))
    meeting_id = scenario.meeting.id
    for path in _reads(meeting_id):
        response = reader.get(path)
        if who == "insider" and "/compare" in path:
            assert response.status_code == 403  # one side's delegate: changes name both sides
            continue
        assert response.status_code == 200, path
    assert reader.get(f"/meetings/{meeting_id}").json["title"] == restricted.TITLE
    delegation = reader.get(f"/meetings/{meeting_id}/delegation").json
    assert [p["person_id"] for p in delegation["uk"]] == [scenario.delegate.id]
    listed = reader.get("/meetings?per_page=200").json["items"]
    assert meeting_id in {m["id"] for m in listed}
    invitation = reader.get(f"/invitations/{scenario.invitation.id}")
    assert invitation.status_code == 200
    assert scenario.invitation.id in {
        i["id"] for i in reader.get(f"/invitations?meeting_id={meeting_id}").json
    }


def test_the_invited_person_is_not_a_reader(scenario, api_for):
    invitee = api_for(scenario.invitee)
    assert invitee.get(f"/meetings/{scenario.meeting.id}").status_code == 404
    assert invitee.get(f"/invitations/{scenario.invitation.id}").status_code == 404
    listed = invitee.get("/invitations").json
    assert scenario.meeting.id not in {i["meeting_id"] for i in listed}
