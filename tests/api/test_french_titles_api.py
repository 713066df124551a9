"""French titles through the API: read, written, checked, in the OpenAPI document (issue 17)."""

from __future__ import annotations

from datetime import datetime

from app.auth.models import Role


def test_the_api_reads_and_writes_french_titles_and_documents_them(api_as, make, session):
    editor = api_as(Role.EDITOR)
    meeting = make.meeting(start=datetime(2027, 3, 16, 10), end=datetime(2027, 3, 16, 12))
    session.commit()
    created = editor.post(
        f"/meetings/{meeting.id}/agenda/items",
        json={"title": "Opening", "title_fr": "Ouverture"},
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["title_fr"] == "Ouverture"
    topic = editor.post("/topics", json={"slug": "cyber", "name": "Cyber", "name_fr": "Cyber"})
    assert topic.get_json()["name_fr"] == "Cyber"
    etag = editor.get(f"/meetings/{meeting.id}").headers["ETag"]
    patched = editor.patch(
        f"/meetings/{meeting.id}", json={"title_fr": "Réunion"}, headers={"If-Match": etag}
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["title_fr"] == "Réunion"
    too_long = editor.post(
        f"/meetings/{meeting.id}/agenda/items", json={"title": "X", "title_fr": "x" * 501}
    )
    assert too_long.status_code == 422
    assert too_long.get_json()["field"] == "title_fr"
    spec = editor.get("/openapi.json").get_json()["components"]["schemas"]
    for schema in ("AgendaItemOut", "ItemIn", "MeetingOut", "MeetingIn", "TopicOut", "TopicIn"):
        fields = spec[schema]["properties"]
        assert "title_fr" in fields or "name_fr" in fields, schema


def test_agenda_and_versions_carry_french_titles_and_each_items_time(api_as, make, session):
    editor = api_as(Role.EDITOR)
    meeting = make.meeting(start=datetime(2027, 3, 16, 10), end=datetime(2027, 3, 16, 12))
    russia = make.item(meeting, "Russia", duration_minutes=60)
    russia.title_fr = "Russie"
    make.item(meeting, "Sanctions", parent=russia, duration_minutes=20)
    session.commit()
    items = editor.get(f"/meetings/{meeting.id}/agenda").get_json()["items"]
    assert [(item["number"], item["minutes"], item["title_fr"]) for item in items] == [
        ("1", 60, "Russie"),
        ("1.1", 20, None),
    ]
    etag = editor.get(f"/meetings/{meeting.id}/agenda").headers["ETag"]
    circulated = editor.post(
        f"/meetings/{meeting.id}/agenda/circulate", json={}, headers={"If-Match": etag}
    )
    assert circulated.status_code == 201, circulated.get_json()
    version = editor.get(f"/meetings/{meeting.id}/agenda/versions/1").get_json()
    assert version["items"][0]["title_fr"] == "Russie"
    assert version["items"][0]["minutes"] == 60
