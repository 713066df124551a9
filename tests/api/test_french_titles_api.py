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
