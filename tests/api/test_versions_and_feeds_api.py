"""Circulated agenda versions and calendar subscriptions over the API."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from app.auth import services as auth
from app.extensions import limiter
from app.people.models import Side


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()


def test_circulate_list_read_and_compare_versions(make, editor, viewer):
    meeting = make.meeting()
    make.item(meeting, "Opening", duration_minutes=10)
    make.item(meeting, "UK only", visibility="uk")
    assert viewer.get(f"/meetings/{meeting.id}/agenda").status_code == 403  # drafts: editors
    etag = editor.get(f"/meetings/{meeting.id}/agenda").headers["ETag"]
    first = editor.post(
        f"/meetings/{meeting.id}/agenda/circulate",
        json={"note": "For comment"},
        headers={"If-Match": etag},
    )
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["stage"] == "provisional"
    assert first.get_json()["title"] == "Provisional agenda"

    editor.post(f"/meetings/{meeting.id}/agenda/items", json={"title": "AOB"})
    stale = editor.post(
        f"/meetings/{meeting.id}/agenda/circulate", json={"final": True}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    final = editor.post(f"/meetings/{meeting.id}/agenda/circulate", json={"final": True})
    assert final.status_code == 201
    assert final.get_json()["number"] == 2

    listed = viewer.get(f"/meetings/{meeting.id}/agenda/versions").get_json()
    assert [(v["number"], v["stage"]) for v in listed] == [(1, "provisional"), (2, "final")]
    version = viewer.get(f"/meetings/{meeting.id}/agenda/versions/1").get_json()
    assert [(i["number"], i["title"]) for i in version["items"]] == [
        ("1", "Opening"),
        ("2", "UK only"),
    ]
    eu_side = viewer.get(f"/meetings/{meeting.id}/agenda/versions/1?side=eu").get_json()
    assert [i["title"] for i in eu_side["items"]] == ["Opening"]
    changes = viewer.get(f"/meetings/{meeting.id}/agenda/compare?old=1&new=2").get_json()
    assert any("AOB" in change for change in changes["changes"])
    assert viewer.get(f"/meetings/{meeting.id}/agenda/compare?old=0&new=2").status_code == 403
    missing = viewer.get(f"/meetings/{meeting.id}/agenda/versions/9")
    assert missing.status_code == 404
    assert missing.get_json()["field"] == "version"


def test_a_delegate_reads_only_their_sides_edition(make, editor, api_as, session):
    meeting = make.meeting()
    make.item(meeting, "Opening")
    make.item(meeting, "EU internal", visibility="eu")
    editor.post(f"/meetings/{meeting.id}/agenda/circulate", json={})
    editor.post(f"/meetings/{meeting.id}/agenda/items", json={"title": "UK request"})
    editor.post(f"/meetings/{meeting.id}/agenda/circulate", json={})
    delegate = api_as("viewer")
    user = auth.user_for_token(session, delegate.token)
    assert user is not None
    user.person_id = make.person(make.organisation(Side.UK)).id
    session.commit()  # a refused request rolls back what it has not committed

    version = delegate.get(f"/meetings/{meeting.id}/agenda/versions/1").get_json()
    assert [i["title"] for i in version["items"]] == ["Opening"]
    # The change summaries of the UK edition: the EU-only item is counted nowhere.
    assert version["changes"] == ["First circulation: 1 item"]
    listed = delegate.get(f"/meetings/{meeting.id}/agenda/versions").get_json()
    assert [v["changes"] for v in listed] == [
        ["First circulation: 1 item"],
        ["Item 3 “UK request” added"],
    ]
    other_side = delegate.get(f"/meetings/{meeting.id}/agenda/versions/1?side=eu")
    assert other_side.status_code == 403
    assert delegate.get(f"/meetings/{meeting.id}/agenda/compare?old=1&new=2").status_code == 403


def test_subscribe_fetch_rotate_and_revoke(viewer, client, make):
    topic = make.topic()
    made = viewer.post("/subscriptions", json={"scope": f"topic:{topic.slug}", "label": "Mine"})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["webcal"].startswith("webcal://")
    path = urlsplit(body["url"]).path
    assert client.get(path).status_code == 200
    listed = viewer.get("/subscriptions").get_json()
    assert [s["id"] for s in listed] == [body["subscription"]["id"]]

    rotated = viewer.post(f"/subscriptions/{body['subscription']['id']}/rotate")
    assert rotated.status_code == 200
    assert client.get(path).status_code == 404
    new_path = urlsplit(rotated.get_json()["url"]).path
    assert client.get(new_path).status_code == 200
    assert viewer.delete(f"/subscriptions/{body['subscription']['id']}").status_code == 204
    assert client.get(new_path).status_code == 404
    bad = viewer.post("/subscriptions", json={"scope": "galaxy:far"})
    assert bad.status_code == 422
    assert bad.get_json()["field"] == "scope"


def test_someone_elses_subscription_is_not_found(viewer, api_as):
    other = api_as("viewer")
    made = other.post("/subscriptions", json={"scope": "all"}).get_json()
    assert viewer.delete(f"/subscriptions/{made['subscription']['id']}").status_code == 404
