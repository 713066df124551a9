"""Invitations, delegations, agendas, planning and the audit log over the API."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from app.people.models import Side


def test_invitation_issue_reply_and_withdraw_with_versions(make, editor, viewer):
    meeting = make.meeting()
    eu, uk = make.organisation(Side.EU), make.organisation(Side.UK)
    delegate = make.person(uk)
    issued = editor.post(
        "/invitations",
        json={
            "meeting_id": meeting.id,
            "inviter_id": eu.id,
            "invitee_id": uk.id,
            "reply_deadline": "2027-03-01T12:00:00+00:00",
        },
    )
    assert issued.status_code == 201, issued.get_json()
    invitation_id = issued.get_json()["id"]
    etag = viewer.get(f"/invitations/{invitation_id}").headers["ETag"]

    no_if_match = editor.post(f"/invitations/{invitation_id}/reply", json={"status": "accepted"})
    assert no_if_match.status_code == 428
    accepted = editor.post(
        f"/invitations/{invitation_id}/reply",
        json={"status": "accepted", "representative_id": delegate.id},
        headers={"If-Match": etag},
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["representative_id"] == delegate.id
    stale = editor.post(
        f"/invitations/{invitation_id}/withdraw", json={}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    withdrawn = editor.post(
        f"/invitations/{invitation_id}/withdraw",
        json={"reason": "Meeting restructured"},
        headers={"If-Match": accepted.headers["ETag"]},
    )
    assert withdrawn.get_json()["status"] == "withdrawn"
    listed = viewer.get(f"/invitations?meeting_id={meeting.id}").get_json()
    assert [i["status"] for i in listed] == ["withdrawn"]
    bad_reply = editor.post(
        f"/invitations/{invitation_id}/reply",
        json={"status": "withdrawn"},
        headers={"If-Match": "*"},
    )
    assert bad_reply.status_code == 422
    assert bad_reply.get_json()["field"] == "status"


def test_delegation_add_remove_changes_the_meeting_version(make, editor, viewer):
    meeting = make.meeting()
    uk = make.organisation(Side.UK)
    first, second = make.person(uk), make.person(uk)
    etag = viewer.get(f"/meetings/{meeting.id}").headers["ETag"]
    added = editor.post(f"/meetings/{meeting.id}/delegation", json={"person_id": first.id})
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["protocol_order"] == 1
    assert added.headers["ETag"] != etag
    stale = editor.post(
        f"/meetings/{meeting.id}/delegation",
        json={"person_id": second.id},
        headers={"If-Match": etag},
    )
    assert stale.status_code == 412
    editor.post(
        f"/meetings/{meeting.id}/delegation",
        json={"person_id": second.id, "protocol_order": 1, "role": "principal"},
    )
    delegation = viewer.get(f"/meetings/{meeting.id}/delegation").get_json()
    assert [p["person_id"] for p in delegation["uk"]] == [second.id, first.id]
    assert editor.delete(f"/meetings/{meeting.id}/delegation/{second.id}").status_code == 204
    delegation = viewer.get(f"/meetings/{meeting.id}/delegation").get_json()
    assert [(p["person_id"], p["protocol_order"]) for p in delegation["uk"]] == [(first.id, 1)]


def test_agenda_numbering_and_if_match(make, editor, viewer):
    meeting = make.meeting()
    first = editor.post(
        f"/meetings/{meeting.id}/agenda/items",
        json={"title": "Opening", "duration_minutes": 15, "purpose": "information"},
    )
    assert first.status_code == 201, first.get_json()
    second = editor.post(f"/meetings/{meeting.id}/agenda/items", json={"title": "Russia"})
    child = editor.post(
        f"/meetings/{meeting.id}/agenda/items",
        json={"title": "Sanctions", "parent_id": second.get_json()["id"]},
    )
    agenda = editor.get(f"/meetings/{meeting.id}/agenda")
    numbers = [(i["number"], i["title"]) for i in agenda.get_json()["items"]]
    assert numbers == [("1", "Opening"), ("2", "Russia"), ("2.1", "Sanctions")]
    assert agenda.get_json()["items"][1]["starts_at"] == "2027-03-16T10:15:00+00:00"
    etag = agenda.headers["ETag"]
    assert etag == child.headers["ETag"]

    item_id = first.get_json()["id"]
    assert editor.patch(f"/agenda-items/{item_id}", json={"title": "Welcome"}).status_code == 428
    edited = editor.patch(
        f"/agenda-items/{item_id}", json={"title": "Welcome"}, headers={"If-Match": etag}
    )
    assert edited.status_code == 200
    assert edited.get_json()["duration_minutes"] == 15
    stale = editor.patch(
        f"/agenda-items/{item_id}", json={"title": "Lost"}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    moved = editor.post(f"/agenda-items/{item_id}/move", json={"position": 2})
    assert moved.status_code == 200
    assert editor.delete(f"/agenda-items/{second.get_json()['id']}").status_code == 204
    titles = [i["title"] for i in editor.get(f"/meetings/{meeting.id}/agenda").get_json()["items"]]
    assert titles == ["Welcome"]


@time_machine.travel(datetime(2027, 1, 10, 9, 0, tzinfo=UTC), tick=False)
def test_consultation_plan_and_schedule(make, editor, viewer):
    series = make.series(slug="api-consultations")
    plan = viewer.get(f"/consultations/plan?series={series.slug}&from=2027-H1&to=2027-H2")
    assert plan.status_code == 200, plan.get_json()
    halves = plan.get_json()
    assert [(h["half"], h["state"]) for h in halves] == [
        ("2027-H1", "missing"),
        ("2027-H2", "missing"),
    ]
    assert halves[0]["proposal"]["host_city"] == "London"
    scheduled = editor.post(
        "/consultations/schedule",
        json={"series": series.slug, "from": "2027-H1", "to": "2027-H2", "topics": ["russia"]},
    )
    assert scheduled.status_code == 201, scheduled.get_json()
    assert [m["host_city"] for m in scheduled.get_json()] == ["London", "Brussels"]
    replanned = viewer.get(f"/consultations/plan?series={series.slug}&from=2027-H1&to=2027-H2")
    assert [h["state"] for h in replanned.get_json()] == ["scheduled", "scheduled"]
    bad = viewer.get("/consultations/plan?from=2027-H3")
    assert bad.status_code == 422
    assert bad.get_json()["field"] == "from"


def test_audit_log_is_for_editors_filtered_and_not_writable(make, editor, viewer):
    created = editor.post("/topics", json={"slug": "audit-me", "name": "Audit me"}).get_json()
    # as in the UI: the log names draft agenda work and side-only items, so readers get 403
    refused = viewer.get("/audit")
    assert refused.status_code == 403
    assert refused.get_json()["code"] == "forbidden"
    entries = editor.get(f"/audit?entity_type=topic&entity_id={created['id']}").get_json()
    assert entries["total"] == 1
    entry = entries["items"][0]
    assert entry["action"] == "topic.created"
    assert entry["changes"] == {
        "slug": "audit-me",
        "name": "Audit me",
        "description": "",
        "is_active": True,
    }
    assert entry["actor_label"].endswith("@entente.test")
    assert (
        editor.get(f"/audit?since={date.today().year + 1}-01-01T00:00:00").get_json()["total"] == 0
    )
    assert editor.post("/audit", json={}).status_code == 405
    assert editor.delete(f"/audit/{entry['id']}").status_code == 404
