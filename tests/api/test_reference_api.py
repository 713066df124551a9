"""Topics, organisations and people over the API."""

from __future__ import annotations


def test_topics_create_update_and_duplicates(editor, viewer):
    created = editor.post("/topics", json={"slug": "hybrid-threats-x", "name": "Hybrid X"})
    assert created.status_code == 201
    topic_id = created.get_json()["id"]
    duplicate = editor.post("/topics", json={"slug": "hybrid-threats-x", "name": "Other"})
    assert duplicate.status_code == 409
    assert duplicate.get_json()["field"] == "slug"
    bad_slug = editor.post("/topics", json={"slug": "Not A Slug", "name": "Y"})
    assert bad_slug.status_code == 422
    assert bad_slug.get_json()["field"] == "slug"
    retired = editor.patch(f"/topics/{topic_id}", json={"is_active": False})
    assert retired.get_json()["is_active"] is False
    assert retired.get_json()["name"] == "Hybrid X"
    slugs = [t["slug"] for t in viewer.get("/topics").get_json()]
    assert "hybrid-threats-x" not in slugs
    all_slugs = [t["slug"] for t in viewer.get("/topics?include_inactive=true").get_json()]
    assert "hybrid-threats-x" in all_slugs


def test_organisations_and_people(editor, viewer):
    organisation = editor.post(
        "/organisations", json={"code": "uk-test", "name": "Test office", "side": "uk"}
    )
    assert organisation.status_code == 201
    org = organisation.get_json()
    assert org["code"] == "UK-TEST"
    person = editor.post(
        "/people",
        json={"full_name": "Ada Test", "organisation_id": org["id"], "email": "ada@test.example"},
    )
    assert person.status_code == 201, person.get_json()
    assert person.get_json()["side"] == "uk"
    listed = viewer.get(f"/people?organisation_id={org['id']}").get_json()
    assert [p["full_name"] for p in listed] == ["Ada Test"]
    unknown_org = editor.post("/people", json={"full_name": "X", "organisation_id": 2_000_000})
    assert unknown_org.status_code == 404
    bad_email = editor.post(
        "/people", json={"full_name": "X", "organisation_id": org["id"], "email": "no"}
    )
    assert bad_email.status_code == 422
    assert bad_email.get_json()["field"] == "email"
