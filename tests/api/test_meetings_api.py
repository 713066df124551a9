"""Meetings over the API: filters, pages, ETag / If-Match, errors naming the field."""

from __future__ import annotations

from datetime import datetime

from app.meetings.models import MeetingStatus
from app.people.models import Side

NEW_MEETING = {
    "title": "Strategic consultation",
    "kind": "strategic-consultation",
    "start": "2027-09-21T10:00:00",
    "end": "2027-09-21T13:00:00",
    "timezone": "Europe/Brussels",
    "topics": ["russia"],
}


def test_create_read_and_edit_with_if_match(editor, viewer):
    created = editor.post("/meetings", json=NEW_MEETING)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["start"] == "2027-09-21T10:00:00+02:00"
    assert body["start_utc"].startswith("2027-09-21T08:00:00")
    assert body["warnings"] == []
    meeting_id = body["id"]

    read = viewer.get(f"/meetings/{meeting_id}")
    assert read.status_code == 200
    etag = read.headers["ETag"]
    assert etag == f'"{body["version"]}"'

    missing = editor.patch(f"/meetings/{meeting_id}", json={"venue": "EEAS"})
    assert missing.status_code == 428
    assert missing.get_json()["code"] == "precondition_required"

    saved = editor.patch(
        f"/meetings/{meeting_id}", json={"venue": "EEAS"}, headers={"If-Match": etag}
    )
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["venue"] == "EEAS"
    assert saved.headers["ETag"] != etag

    stale = editor.patch(
        f"/meetings/{meeting_id}", json={"venue": "Elsewhere"}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.get_json()["code"] == "precondition_failed"
    assert viewer.get(f"/meetings/{meeting_id}").get_json()["venue"] == "EEAS"


def test_viewer_cannot_write_and_anonymous_cannot_read(viewer, anonymous):
    refused = viewer.post("/meetings", json=NEW_MEETING)
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "forbidden"
    unauthenticated = anonymous.get("/meetings")
    assert unauthenticated.status_code == 401
    assert unauthenticated.get_json() == {
        "code": "unauthorized",
        "message": "Send a valid API token as 'Authorization: Bearer <token>'",
        "field": None,
    }
    assert "Bearer" in unauthenticated.headers["WWW-Authenticate"]


def test_schema_errors_name_the_field(editor):
    response = editor.post("/meetings", json={**NEW_MEETING, "start": "not a date"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_error"
    assert body["field"] == "start"

    missing = editor.post("/meetings", json={"title": "x"})
    assert missing.status_code == 422
    assert missing.get_json()["field"] in {"end", "kind", "start", "timezone"}

    unknown = editor.post("/meetings", json={**NEW_MEETING, "colour": "red"})
    assert unknown.status_code == 422
    assert unknown.get_json()["field"] == "colour"


def test_service_errors_name_the_field(editor):
    response = editor.post(
        "/meetings",
        json={
            **NEW_MEETING,
            "start": "2027-03-28T01:30:00",
            "end": "2027-03-28T03:30:00",
            "timezone": "Europe/London",
        },
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "start"
    nul = editor.post("/meetings", json={**NEW_MEETING, "title": "a\u0000b"})
    assert nul.status_code == 422
    assert nul.get_json()["field"] == "title"


def test_malformed_json_and_huge_ids_are_client_errors(editor, app):
    bad = editor.client.post(
        "/api/v1/meetings",
        data="{not json",
        headers={**editor.headers(), "Content-Type": "application/json"},
    )
    assert bad.status_code == 400
    assert set(bad.get_json()) == {"code", "message", "field"}
    assert editor.get("/meetings/99999999999999999999").status_code == 404
    assert editor.get("/meetings?organisation=99999999999999").status_code == 422


def test_list_filters_and_pages(make, viewer):
    russia = make.topic(slug="russia-filter")
    uk = make.organisation(Side.UK)
    eu = make.organisation(Side.EU)
    first = make.meeting(
        topics=[russia.slug], start=datetime(2030, 1, 10, 10), end=datetime(2030, 1, 10, 12)
    )
    make.meeting(start=datetime(2030, 2, 10, 10), end=datetime(2030, 2, 10, 12))
    third = make.meeting(
        kind="summit",
        start=datetime(2030, 3, 10, 10),
        end=datetime(2030, 3, 10, 12),
        status=MeetingStatus.CONFIRMED,
    )
    make.invitation(third, inviter_id=eu.id, invitee_id=uk.id)

    in_2030 = viewer.get("/meetings?start=2030-01-01&end=2030-12-31&per_page=2")
    body = in_2030.get_json()
    assert body["total"] == 3
    assert [m["id"] for m in body["items"]] == [first.id, first.id + 1]
    page_two = viewer.get("/meetings?start=2030-01-01&end=2030-12-31&per_page=2&page=2")
    assert [m["id"] for m in page_two.get_json()["items"]] == [third.id]

    def ids(query: str) -> list[int]:
        return [
            m["id"] for m in viewer.get(f"/meetings?start=2030-01-01&{query}").get_json()["items"]
        ]

    assert ids(f"topic={russia.slug}") == [first.id]
    assert ids("kind=summit") == [third.id]
    assert ids("status=confirmed") == [third.id]
    assert ids(f"organisation={uk.id}") == [third.id]
    assert ids("end=2030-01-31") == [first.id]
    bad_status = viewer.get("/meetings?status=maybe")
    assert bad_status.status_code == 422
    assert bad_status.get_json()["field"] == "status"


def test_cancel_needs_the_current_version(editor, make):
    meeting = make.meeting()
    etag = editor.get(f"/meetings/{meeting.id}").headers["ETag"]
    cancelled = editor.post(
        f"/meetings/{meeting.id}/cancel", json={"reason": "Clash"}, headers={"If-Match": etag}
    )
    assert cancelled.status_code == 200
    assert cancelled.get_json()["status"] == "cancelled"
    again = editor.post(f"/meetings/{meeting.id}/cancel", json={}, headers={"If-Match": "*"})
    assert again.status_code == 409
    assert again.get_json()["field"] == "status"
