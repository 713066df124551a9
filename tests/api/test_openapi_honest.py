"""The OpenAPI document says what the server does: required bodies, required If-Match, the
limits enforced in code, and date-times that carry their offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient

from app.auth.models import Role
from app.core.timezones import known_zones
from app.core.validation import MAX_YEAR, MIN_YEAR
from tests.helpers import unchanged

OFFSET = re.compile(r"(Z|[+-]\d\d:\d\d)$")
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").get_json()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    ]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_a_body_is_required_when_it_has_required_fields(spec):
    schemas = spec["components"]["schemas"]
    bodies = [(m, p, op["requestBody"]) for m, p, op in _operations(spec) if "requestBody" in op]
    assert len(bodies) == 28
    multipart = sorted(p for _m, p, body in bodies if "multipart/form-data" in body["content"])
    assert multipart == [
        "/api/v1/agenda-items/{item_id}/papers/{paper_id}/files",
        "/api/v1/inbound",
    ]
    for method, path, body in bodies:
        (schema,) = (content["schema"] for content in body["content"].values())
        fields = schemas[schema["$ref"].rpartition("/")[2]].get("required", [])
        assert body.get("required", False) == bool(fields), (method, path)
    assert sum(bool(body.get("required")) for _m, _p, body in bodies) == 19


def test_a_write_without_its_body_is_refused_as_documented(spec, api_as, session):
    admin = api_as(Role.ADMIN)
    for method, path, operation in _operations(spec):
        if not operation.get("requestBody", {}).get("required"):
            continue
        with unchanged(session):
            response = getattr(admin.client, method)(
                _concrete(path), headers=admin.headers({"If-Match": "*"})
            )
        assert 400 <= response.status_code < 500, (method, path, response.status_code)
        assert str(response.status_code) in operation["responses"], (method, path)
        assert set(response.get_json()) == {"code", "message", "field"}


def _if_match(operation: dict[str, Any]) -> dict[str, Any] | None:
    return next((p for p in operation.get("parameters", []) if p["name"] == "If-Match"), None)


def test_if_match_is_required_exactly_where_428_is_answered(spec):
    declared = {
        (m, p)
        for m, p, op in _operations(spec)
        if (param := _if_match(op)) is not None and param.get("required")
    }
    answering = {(m, p) for m, p, op in _operations(spec) if "428" in op["responses"]}
    assert declared == answering
    assert len(declared) == 7


# The smallest valid body of each operation that requires If-Match.
MINIMAL_BODIES = {
    ("patch", "/api/v1/meetings/{meeting_id}"): {},
    ("post", "/api/v1/meetings/{meeting_id}/cancel"): {},
    ("patch", "/api/v1/agenda-items/{item_id}"): {},
    ("put", "/api/v1/agenda-items/{item_id}/outcome"): {"outcome": "Agreed"},
    ("post", "/api/v1/invitations/{invitation_id}/reply"): {"status": "accepted"},
    ("post", "/api/v1/invitations/{invitation_id}/withdraw"): {},
    ("post", "/api/v1/invitations/{invitation_id}/deadline"): {"reply_deadline": None},
}


def test_without_if_match_the_required_operations_answer_428(spec, make, api_as, session):
    meeting = make.meeting()
    item = make.item(meeting, "Opening")
    invitation = make.invitation(meeting)
    ids = {"meeting_id": meeting.id, "item_id": item.id, "invitation_id": invitation.id}
    admin = api_as(Role.ADMIN)
    required = [
        (m, p) for m, p, op in _operations(spec) if (param := _if_match(op)) and param["required"]
    ]
    assert sorted(required) == sorted(MINIMAL_BODIES)
    for method, path in required:
        url = path.format(**{name: ids[name] for name in re.findall(r"\{(\w+)\}", path)})
        with unchanged(session):
            response = getattr(admin.client, method)(
                url, json=MINIMAL_BODIES[(method, path)], headers=admin.headers()
            )
        assert response.status_code == 428, (method, path, response.get_json())


def _schemas_named(spec: dict[str, Any], name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict) and name in node["properties"]:
                found.append(node["properties"][name])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec["components"]["schemas"])
    return found


def test_rules_enforced_in_code_are_in_the_schemas(spec):
    schemas = spec["components"]["schemas"]
    meeting_in = schemas["MeetingIn"]["properties"]
    # known zones: the enum is exactly the rule of app.core.timezones
    assert sorted(meeting_in["timezone"]["enum"]) == sorted(known_zones())
    assert sorted(schemas["MeetingFields"]["properties"]["timezone"]["enum"]) == sorted(
        known_zones()
    )
    # years MIN_YEAR..MAX_YEAR on every date-time and date a client sends
    pattern = re.compile(meeting_in["start"]["pattern"])
    assert pattern.search(f"{MIN_YEAR}-01-01T00:00:00")
    assert pattern.search(f"{MAX_YEAR}-12-31T23:59:00")
    assert not pattern.search(f"{MIN_YEAR - 1}-12-31T23:59:00")
    assert not pattern.search(f"{MAX_YEAR + 1}-01-01T00:00:00")
    assert "1900" in meeting_in["start"]["description"]
    # no NUL in text
    title = re.compile(meeting_in["title"]["pattern"])
    assert title.search("Strategic dialogue")
    assert not title.search("Strategic\x00dialogue")
    # the half-years of planning: years in range, and the span limit is stated
    schedule = schemas["ScheduleIn"]["properties"]
    half = re.compile(schedule["from"]["pattern"])
    assert half.search("2027-H1")
    assert not half.search("1899-H2")
    assert not half.search("2201-H1")
    assert "thirty years" in schedule["to"]["description"]


def _date_times(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [found for value in node.values() for found in _date_times(value)]
    if isinstance(node, list):
        return [found for value in node for found in _date_times(value)]
    return [node] if isinstance(node, str) and DATE_TIME.match(node) else []


@time_machine.travel(datetime(2027, 1, 10, 9, 0, tzinfo=UTC), tick=False)
def test_every_date_time_the_api_returns_carries_an_offset(make, editor):
    series = make.series(slug="offsets")
    meeting = make.meeting(series=series.id)
    make.invitation(meeting)
    answers = [
        editor.get(f"/consultations/plan?series={series.slug}&from=2027-H1&to=2028-H2"),
        editor.get("/meetings"),
        editor.get(f"/meetings/{meeting.id}"),
        editor.get("/invitations"),
        editor.get(f"/meetings/{meeting.id}/agenda"),
        editor.get("/audit"),
    ]
    found = []
    for answer in answers:
        assert answer.status_code == 200
        found += _date_times(answer.get_json())
    proposals = answers[0].get_json()
    assert any(half["proposal"] for half in proposals)
    assert len(found) > 10
    assert [value for value in found if not OFFSET.search(value)] == []


def test_every_required_if_match_is_fed_by_a_link_from_an_etag(spec):
    """A client (and Schemathesis's stateful phase) learns where the If-Match comes from."""
    fed = set()
    for _method, _path, operation in _operations(spec):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                reference = link["operationRef"].removeprefix("#/paths/")
                target_path, _, target_method = reference.rpartition("/")
                target_path = target_path.replace("~1", "/").replace("~0", "~")
                assert target_method in spec["paths"][target_path]
                if link["parameters"].get("If-Match") == "$response.header.ETag":
                    fed.add((target_method, target_path))
    required = {(m, p) for m, p, op in _operations(spec) if (q := _if_match(op)) and q["required"]}
    assert required <= fed


def test_the_document_describes_the_api_and_nothing_else(spec, app):
    """Pages' routes (a form's POST, such as the language switcher) are not API operations:
    documented, they would invite clients (and Schemathesis) to call them without a form."""
    outside = [path for path in spec["paths"] if not path.startswith("/api/v1/")]
    assert outside == []
    api_rules = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert len(spec["paths"]) > 40
    assert len(api_rules) >= len(spec["paths"])
