"""Outcomes, follow-up actions and carrying them to the next round, over the API."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.auth import services as auth
from app.people.models import Side


def outcome_path(item_id: int) -> str:
    return f"/agenda-items/{item_id}/outcome"


def actions_path(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/agenda/actions"


def two_rounds(make):
    series = make.series(slug="api-rounds")
    first = make.meeting(
        series=series.id, start=datetime(2027, 3, 16, 10), end=datetime(2027, 3, 16, 13)
    )
    second = make.meeting(
        series=series.id, start=datetime(2027, 9, 14, 10), end=datetime(2027, 9, 14, 13)
    )
    return first, second


def test_an_outcome_is_replaced_only_with_the_etag_last_read(make, editor):
    meeting = make.meeting()
    item = make.item(meeting, "Hybrid threats")
    agenda_etag = editor.get(f"/meetings/{meeting.id}/agenda").headers["ETag"]
    read = editor.get(outcome_path(item.id))
    assert read.status_code == 200
    assert read.get_json() == {"item_id": item.id, "outcome": ""}
    etag = read.headers["ETag"]

    missing = editor.put(outcome_path(item.id), json={"outcome": "Agreed"})
    assert (missing.status_code, missing.get_json()["code"]) == (428, "precondition_required")
    saved = editor.put(
        outcome_path(item.id),
        json={"outcome": "  Agreed a joint paper  "},
        headers={"If-Match": etag},
    )
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["outcome"] == "Agreed a joint paper"
    assert saved.headers["ETag"] != etag
    stale = editor.put(outcome_path(item.id), json={"outcome": "Lost"}, headers={"If-Match": etag})
    assert (stale.status_code, stale.get_json()["code"]) == (412, "precondition_failed")
    assert editor.get(outcome_path(item.id)).get_json()["outcome"] == "Agreed a joint paper"
    cleared = editor.put(
        outcome_path(item.id), json={"outcome": ""}, headers={"If-Match": saved.headers["ETag"]}
    )
    assert cleared.get_json()["outcome"] == ""

    # not agenda content: the agenda (and what would be circulated) did not change
    assert editor.get(f"/meetings/{meeting.id}/agenda").headers["ETag"] == agenda_etag
    audit = editor.get(
        f"/audit?entity_type=meeting&entity_id={meeting.id}&action=agenda_item.outcome"
    )
    assert [e["changes"]["outcome"] for e in audit.get_json()["items"]] == [
        ["Agreed a joint paper", ""],
        ["", "Agreed a joint paper"],
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "outcome"), ({"outcome": "x" * 5001}, "outcome"), ({"outcome": None}, "outcome")],
)
def test_a_bad_outcome_is_refused_with_the_field(make, editor, body, field):
    item = make.item(make.meeting(), "Item")
    refused = editor.put(outcome_path(item.id), json=body, headers={"If-Match": "*"})
    assert refused.status_code == 422
    assert refused.get_json()["field"] == field


def test_actions_are_added_listed_marked_and_carried_to_the_next_round(make, editor):
    first, second = two_rounds(make)
    item = make.item(first, "Hybrid threats", visibility="uk")
    other = make.item(first, "Western Balkans")
    listed = editor.get(actions_path(first.id))
    assert (listed.status_code, listed.get_json()) == (200, [])
    etag = listed.headers["ETag"]

    drafted = editor.post(
        f"/agenda-items/{item.id}/actions",
        json={"description": "Draft the joint paper", "owner": "EEAS", "due_on": "2027-05-01"},
        headers={"If-Match": etag},
    )
    assert drafted.status_code == 201, drafted.get_json()
    action = drafted.get_json()
    assert action["status"] == "open"
    assert (action["meeting_id"], action["item_id"], action["item_title"]) == (
        first.id,
        item.id,
        "Hybrid threats",
    )
    assert (action["due_on"], action["carried_to_item_id"]) == ("2027-05-01", None)
    stale_add = editor.post(
        f"/agenda-items/{other.id}/actions",
        json={"description": "Lost"},
        headers={"If-Match": etag},
    )
    assert stale_add.status_code == 412
    shared = editor.post(f"/agenda-items/{other.id}/actions", json={"description": "Brief COPS"})
    assert shared.get_json()["owner"] == ""
    assert shared.get_json()["due_on"] is None

    listed = editor.get(actions_path(first.id))
    assert [a["description"] for a in listed.get_json()] == ["Draft the joint paper", "Brief COPS"]
    status_path = f"/agenda-actions/{shared.get_json()['id']}/status"
    stale = editor.post(status_path, json={"status": "done"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    done = editor.post(
        status_path, json={"status": "done"}, headers={"If-Match": listed.headers["ETag"]}
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "done"
    assert done.headers["ETag"] != listed.headers["ETag"]
    open_ones = editor.get(f"{actions_path(first.id)}?status=open").get_json()
    assert [a["description"] for a in open_ones] == ["Draft the joint paper"]

    carried = editor.post(
        f"{actions_path(first.id)}/carry-forward", headers={"If-Match": done.headers["ETag"]}
    )
    assert carried.status_code == 200, carried.get_json()
    assert carried.get_json()["meeting_id"] == second.id
    assert carried.get_json()["carried"] == 1
    next_agenda = editor.get(f"/meetings/{second.id}/agenda").get_json()["items"]
    assert [(i["number"], i["title"], i["visibility"]) for i in next_agenda] == [
        ("1", "Follow-up to the previous round", "all"),
        ("1.1", "Draft the joint paper", "uk"),
    ]
    assert next_agenda[0]["id"] == carried.get_json()["item_id"]
    after = editor.get(actions_path(first.id)).get_json()
    assert after[0]["carried_to_item_id"] == next_agenda[1]["id"]
    assert after[1]["carried_to_item_id"] is None  # done: not carried

    again = editor.post(f"{actions_path(first.id)}/carry-forward")
    assert (again.status_code, again.get_json()["field"]) == (422, "actions")
    assert len(editor.get(f"/meetings/{second.id}/agenda").get_json()["items"]) == 2


def test_carrying_needs_a_later_round_and_fresh_actions(make, editor):
    lone = make.meeting()
    item = make.item(lone, "Solo")
    editor.post(f"/agenda-items/{item.id}/actions", json={"description": "Follow up"})
    refused = editor.post(f"{actions_path(lone.id)}/carry-forward")
    assert (refused.status_code, refused.get_json()["field"]) == (422, "series")

    first, second = two_rounds(make)
    source = make.item(first, "Item")
    read = editor.get(actions_path(first.id)).headers["ETag"]
    editor.post(f"/agenda-items/{source.id}/actions", json={"description": "Unseen by reader"})
    stale = editor.post(f"{actions_path(first.id)}/carry-forward", headers={"If-Match": read})
    assert stale.status_code == 412
    assert editor.get(f"/meetings/{second.id}/agenda").get_json()["items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "description"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "d" * 1001}, "description"),
        ({"description": "Do it", "owner": "o" * 201}, "owner"),
        ({"description": "Do it", "due_on": "2027-13-01"}, "due_on"),
        ({"description": "Do it", "due_on": "3027-01-01"}, "due_on"),
        ({"description": "Do it", "owner": "\udc80"}, "owner"),
    ],
)
def test_a_bad_action_is_refused_with_the_field(make, editor, body, field):
    item = make.item(make.meeting(), "Item")
    refused = editor.post(f"/agenda-items/{item.id}/actions", json=body)
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["field"] == field
    assert editor.get(actions_path(item.meeting_id)).get_json() == []


def test_bad_status_and_unknown_things(make, editor):
    item = make.item(make.meeting(), "Item")
    action = editor.post(f"/agenda-items/{item.id}/actions", json={"description": "Do"}).get_json()
    for status in ("closed", None, ""):
        refused = editor.post(f"/agenda-actions/{action['id']}/status", json={"status": status})
        assert (refused.status_code, refused.get_json()["field"]) == (422, "status")
    for path, body, field in (
        ("/agenda-actions/999999/status", {"status": "done"}, "action"),
        ("/agenda-items/999999/actions", {"description": "Do"}, "item"),
        ("/meetings/999999/agenda/actions/carry-forward", None, "meeting"),
    ):
        missing = editor.post(path, json=body)
        assert (missing.status_code, missing.get_json()["field"]) == (404, field)
    assert editor.get(actions_path(999_999)).status_code == 404
    assert editor.get(outcome_path(999_999)).status_code == 404
    assert editor.put(outcome_path(2**31), json={"outcome": ""}).status_code == 404


def test_outcomes_and_actions_are_for_editors(make, editor, viewer, anonymous):
    first, _second = two_rounds(make)
    item = make.item(first, "Item")
    action = editor.post(f"/agenda-items/{item.id}/actions", json={"description": "Do"}).get_json()
    calls = [
        ("get", outcome_path(item.id), None),
        ("put", outcome_path(item.id), {"outcome": "Agreed"}),
        ("get", actions_path(first.id), None),
        ("post", f"/agenda-items/{item.id}/actions", {"description": "More"}),
        ("post", f"/agenda-actions/{action['id']}/status", {"status": "done"}),
        ("post", f"{actions_path(first.id)}/carry-forward", None),
    ]
    for api, status in ((anonymous, 401), (viewer, 403)):
        for method, path, body in calls:
            kwargs = {"json": body} if body is not None else {}
            answer = getattr(api, method)(path, headers={"If-Match": "*"}, **kwargs)
            assert answer.status_code == status, (method, path)
            assert answer.get_json()["field"] is None
    listed = editor.get(actions_path(first.id)).get_json()
    assert [(a["description"], a["status"]) for a in listed] == [("Do", "open")]
    assert editor.get(outcome_path(item.id)).get_json()["outcome"] == ""


def test_one_sides_editor_never_reaches_the_other_sides_outcomes_and_actions(
    make, editor, api_as, session
):
    first, _second = two_rounds(make)
    eu_item = make.item(first, "EU internal", visibility="eu")
    under_eu = make.item(first, "Under it", parent=eu_item)
    shared = make.item(first, "Shared")
    ids = {}
    for item in (eu_item, under_eu, shared):
        made = editor.post(f"/agenda-items/{item.id}/actions", json={"description": item.title})
        ids[item.title] = made.get_json()["id"]
    uk_editor = api_as("editor")
    user = auth.user_for_token(session, uk_editor.token)
    assert user is not None
    user.person_id = make.person(make.organisation(Side.UK)).id
    session.commit()

    for item in (eu_item, under_eu):
        assert uk_editor.get(outcome_path(item.id)).status_code == 404
        put = uk_editor.put(outcome_path(item.id), json={"outcome": "x"}, headers={"If-Match": "*"})
        assert (put.status_code, put.get_json()["field"]) == (404, "item")
        added = uk_editor.post(f"/agenda-items/{item.id}/actions", json={"description": "x"})
        assert added.status_code == 404
        marked = uk_editor.post(
            f"/agenda-actions/{ids[item.title]}/status", json={"status": "done"}
        )
        assert (marked.status_code, marked.get_json()["field"]) == (404, "action")
    listed = uk_editor.get(actions_path(first.id)).get_json()
    assert [a["description"] for a in listed] == ["Shared"]
    assert uk_editor.get(outcome_path(shared.id)).status_code == 200
    carried = uk_editor.post(f"{actions_path(first.id)}/carry-forward")
    assert carried.status_code == 403  # it would move the other side's actions too
    assert all(
        a["carried_to_item_id"] is None for a in editor.get(actions_path(first.id)).get_json()
    )
    assert [a["status"] for a in editor.get(actions_path(first.id)).get_json()] == ["open"] * 3
