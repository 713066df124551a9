"""Papers under draft agenda items over the API: list, add, remove; the agenda's ETag."""

from __future__ import annotations

import pytest

from app.auth import services as auth
from app.meetings import services as meetings
from app.people.models import Side


def papers_path(item_id: int) -> str:
    return f"/agenda-items/{item_id}/papers"


def test_list_add_and_remove_papers_with_the_agendas_etag(make, editor):
    meeting = make.meeting()
    item = make.item(meeting, "Sanctions enforcement")
    read = editor.get(f"/meetings/{meeting.id}/agenda")
    etag = read.headers["ETag"]
    assert read.get_json()["items"][0]["papers"] == []

    added = editor.post(
        papers_path(item.id),
        json={"reference": " ENT  12/26 ", "revision": 1, "title": "Sanctions evasion"},
        headers={"If-Match": etag},
    )
    assert added.status_code == 201, added.get_json()
    paper = added.get_json()
    assert paper["citation"] == "ENT 12/26 REV 1 (OR. en)"
    assert (paper["item_id"], paper["position"]) == (item.id, 1)
    assert added.headers["ETag"] != etag  # papers are circulated: the agenda changed

    second = editor.post(
        papers_path(item.id),
        json={"reference": "ENT 13/26", "original_language": "FR"},
        headers={"If-Match": added.headers["ETag"]},
    )
    assert second.status_code == 201, second.get_json()
    assert second.get_json()["citation"] == "ENT 13/26 (OR. fr)"
    listed = editor.get(papers_path(item.id))
    assert listed.headers["ETag"] == second.headers["ETag"]
    assert listed.get_json()["item_id"] == item.id
    assert [p["citation"] for p in listed.get_json()["papers"]] == [
        "ENT 12/26 REV 1 (OR. en)",
        "ENT 13/26 (OR. fr)",
    ]
    agenda = editor.get(f"/meetings/{meeting.id}/agenda")
    assert agenda.headers["ETag"] == listed.headers["ETag"]
    assert [p["reference"] for p in agenda.get_json()["items"][0]["papers"]] == [
        "ENT 12/26",
        "ENT 13/26",
    ]

    stale = editor.delete(f"{papers_path(item.id)}/{paper['id']}", headers={"If-Match": etag})
    assert stale.status_code == 412
    removed = editor.delete(
        f"{papers_path(item.id)}/{paper['id']}", headers={"If-Match": listed.headers["ETag"]}
    )
    assert removed.status_code == 204
    left = editor.get(papers_path(item.id)).get_json()["papers"]
    assert [(p["reference"], p["position"]) for p in left] == [("ENT 13/26", 1)]


def test_a_paper_added_after_review_stops_circulation_with_the_old_etag(make, editor, viewer):
    meeting = make.meeting()
    item = make.item(meeting, "Hybrid threats")
    reviewed = editor.get(f"/meetings/{meeting.id}/agenda").headers["ETag"]
    assert editor.post(papers_path(item.id), json={"reference": "ENT 1/27"}).status_code == 201
    stale = editor.post(
        f"/meetings/{meeting.id}/agenda/circulate", json={}, headers={"If-Match": reviewed}
    )
    assert stale.status_code == 412
    fresh = editor.get(f"/meetings/{meeting.id}/agenda").headers["ETag"]
    circulated = editor.post(
        f"/meetings/{meeting.id}/agenda/circulate", json={}, headers={"If-Match": fresh}
    )
    assert circulated.status_code == 201
    version = viewer.get(f"/meetings/{meeting.id}/agenda/versions/1").get_json()
    assert [p["citation"] for p in version["items"][0]["papers"]] == ["ENT 1/27 (OR. en)"]


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({}, "reference", 422),
        ({"reference": ""}, "reference", 422),
        ({"reference": "   "}, "reference", 422),
        ({"reference": "x" * 61}, "reference", 422),
        ({"reference": "ENT 1/27", "revision": 100}, "revision", 422),
        ({"reference": "ENT 1/27", "revision": -1}, "revision", 422),
        ({"reference": "ENT 1/27", "revision": "one"}, "revision", 422),
        ({"reference": "ENT 1/27", "original_language": "e1"}, "original_language", 422),
        ({"reference": "ENT 1/27", "original_language": "english"}, "original_language", 422),
        ({"reference": "ENT 1/27", "title": "t" * 301}, "title", 422),
        ({"reference": "ENT 1/27", "title": "nul\x00"}, "title", 422),
        ({"reference": "ENT 9/26"}, "reference", 409),  # already listed
    ],
)
def test_bad_papers_are_refused_with_the_field(make, editor, body, field, status):
    meeting = make.meeting()
    item = make.item(meeting, "Item")
    assert editor.post(papers_path(item.id), json={"reference": "ENT 9/26"}).status_code == 201
    refused = editor.post(papers_path(item.id), json=body)
    assert refused.status_code == status, refused.get_json()
    assert refused.get_json()["field"] == field
    assert set(refused.get_json()) == {"code", "message", "field"}
    assert len(editor.get(papers_path(item.id)).get_json()["papers"]) == 1


def test_papers_are_for_editors_and_unknown_ones_are_not_found(make, editor, viewer, anonymous):
    meeting = make.meeting()
    item, other = make.item(meeting, "Item"), make.item(meeting, "Other")
    paper = editor.post(papers_path(item.id), json={"reference": "ENT 1/27"}).get_json()
    for api, status in ((anonymous, 401), (viewer, 403)):
        assert api.get(papers_path(item.id)).status_code == status  # the draft: editors only
        assert api.post(papers_path(item.id), json={"reference": "X"}).status_code == status
        assert api.delete(f"{papers_path(item.id)}/{paper['id']}").status_code == status
    missing_item = editor.get(papers_path(999_999))
    assert (missing_item.status_code, missing_item.get_json()["field"]) == (404, "item")
    elsewhere = editor.delete(f"{papers_path(other.id)}/{paper['id']}")
    assert (elsewhere.status_code, elsewhere.get_json()["field"]) == (404, "paper")
    assert editor.delete(f"{papers_path(item.id)}/999999").status_code == 404
    assert editor.delete(f"{papers_path(item.id)}/{2**31}").status_code == 404
    assert len(editor.get(papers_path(item.id)).get_json()["papers"]) == 1


def test_a_cancelled_meetings_papers_cannot_change(make, editor, session):
    meeting = make.meeting()
    item = make.item(meeting, "Item")
    meetings.cancel_meeting(session, None, meeting.id, reason="Postponed")
    session.commit()
    refused = editor.post(papers_path(item.id), json={"reference": "ENT 1/27"})
    assert refused.status_code == 409
    assert refused.get_json()["field"] == "meeting"


def test_one_sides_editor_never_reaches_the_other_sides_papers(make, editor, api_as, session):
    meeting = make.meeting()
    eu_item = make.item(meeting, "EU internal", visibility="eu")
    under_eu = make.item(meeting, "Under the EU item", parent=eu_item)
    shared = make.item(meeting, "Shared")
    for item in (eu_item, under_eu, shared):
        editor.post(papers_path(item.id), json={"reference": f"ENT {item.id}/27"})
    eu_paper = editor.get(papers_path(eu_item.id)).get_json()["papers"][0]
    uk_editor = api_as("editor")
    user = auth.user_for_token(session, uk_editor.token)
    assert user is not None
    user.person_id = make.person(make.organisation(Side.UK)).id
    session.commit()

    for item in (eu_item, under_eu):
        hidden = uk_editor.get(papers_path(item.id))
        assert (hidden.status_code, hidden.get_json()["field"]) == (404, "item")
        assert uk_editor.post(papers_path(item.id), json={"reference": "X"}).status_code == 404
    assert uk_editor.delete(f"{papers_path(eu_item.id)}/{eu_paper['id']}").status_code == 404
    assert len(uk_editor.get(papers_path(shared.id)).get_json()["papers"]) == 1
    drafted = uk_editor.get(f"/meetings/{meeting.id}/agenda").get_json()["items"]
    assert [i["title"] for i in drafted] == ["Shared"]
    assert len(editor.get(papers_path(eu_item.id)).get_json()["papers"]) == 1


def test_one_sides_editor_edits_only_their_side_and_leaves_whole_agenda_work_alone(
    make, editor, api_as, session
):
    meeting = make.meeting()
    shared = make.item(meeting, "Shared")
    make.item(meeting, "EU note under shared", parent=shared, visibility="eu")
    eu_item = make.item(meeting, "EU internal", visibility="eu")
    uk_item = make.item(meeting, "UK internal", visibility="uk")
    uk_editor = api_as("editor")
    user = auth.user_for_token(session, uk_editor.token)
    assert user is not None
    user.person_id = make.person(make.organisation(Side.UK)).id
    session.commit()
    etag = uk_editor.get(f"/meetings/{meeting.id}/agenda").headers["ETag"]

    hidden = uk_editor.patch(
        f"/agenda-items/{eu_item.id}", json={"title": "Seen"}, headers={"If-Match": etag}
    )
    assert (hidden.status_code, hidden.get_json()["field"]) == (404, "item")
    assert uk_editor.delete(f"/agenda-items/{eu_item.id}").status_code == 404
    assert uk_editor.delete(f"/agenda-items/{shared.id}").status_code == 403  # takes the EU note
    assert uk_editor.post(f"/agenda-items/{uk_item.id}/move", json={"position": 1}).status_code == (
        403
    )
    under_eu = uk_editor.post(
        f"/meetings/{meeting.id}/agenda/items", json={"title": "X", "parent_id": eu_item.id}
    )
    assert under_eu.status_code == 404
    circulated = uk_editor.post(f"/meetings/{meeting.id}/agenda/circulate", json={})
    assert circulated.status_code == 403
    assert editor.get(f"/meetings/{meeting.id}/agenda/versions").get_json() == []
    assert editor.get(f"/agenda-items/{eu_item.id}/papers").status_code == 200  # still there

    renamed = uk_editor.patch(
        f"/agenda-items/{uk_item.id}", json={"title": "UK line"}, headers={"If-Match": etag}
    )
    assert renamed.status_code == 200
    assert renamed.get_json()["title"] == "UK line"
