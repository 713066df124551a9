"""Hostile numbers in page paths, query strings and forms: a 4xx or the page, never a 500.

'²'.isdigit() is true but int('²') fails; ids past 2**63 cannot even be compared by SQLite.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from app.auth import services as auth
from tests.web.conftest import csrf_from

TOO_BIG = 10**20
HOSTILE_NUMBERS = ["²", "٣", str(TOO_BIG), str(2**31), "-1", "1e9", "\x00"]


def _far_path(rule: Rule) -> str:
    values: dict[str, object] = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        kind = type(converter).__name__
        if kind == "AnyConverter":
            values[name] = sorted(converter.items)[0]  # type: ignore[attr-defined]
        else:
            values[name] = TOO_BIG if kind == "IntegerConverter" else "x"
    path = rule.build(values, append_unknown=False)
    assert path is not None
    return path[1]


def test_page_ids_beyond_an_integer_column_are_not_found(app: Flask, as_admin: FlaskClient):
    pages = [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set())
        and not rule.rule.startswith("/api/")
        and any(type(rule._converters[a]).__name__ == "IntegerConverter" for a in rule.arguments)
    ]
    assert len(pages) > 10
    answered = {rule.rule: as_admin.get(_far_path(rule)).status_code for rule in pages}
    assert set(answered.values()) == {404}, answered


@pytest.fixture
def meeting_with_item(make, session):
    meeting = make.meeting()
    item = make.item(meeting)
    session.commit()  # a view's rollback must not take the fixture's rows with it
    return meeting, item


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_numbers_in_query_strings_never_give_a_500(as_admin, meeting_with_item, value):
    meeting, _item = meeting_with_item
    asked = [
        ("/meetings", "topic"),
        ("/meetings", "kind"),
        ("/meetings", "organisation"),
        ("/meetings", "page"),
        ("/meetings/calendar", "organisation"),
        ("/people", "organisation"),
        ("/people", "page"),
        ("/invitations", "page"),
        ("/audit", "page"),
        ("/audit", "entity_id"),
        (f"/meetings/{meeting.id}/agenda.md", "version"),
        (f"/meetings/{meeting.id}/agenda/compare", "from"),
    ]
    statuses = {
        (path, name): as_admin.get(path, query_string={name: value, "to": "1"}).status_code
        for path, name in asked
    }
    assert all(status < 500 for status in statuses.values()), statuses


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/meetings/calendar", {"month": "²-03"}),
        ("/meetings/calendar", {"month": "2026-²"}),
        ("/planning", {"from": "²-H1"}),
        ("/planning", {"to": "²-H2"}),
    ],
)
def test_superscript_digits_in_months_and_half_years(as_admin, path, query):
    assert as_admin.get(path, query_string=query).status_code in {200, 400}


@pytest.mark.parametrize("parent", ["²", str(TOO_BIG), "-3"])
def test_moving_an_item_under_a_hostile_parent_id_is_refused(as_admin, meeting_with_item, parent):
    meeting, item = meeting_with_item
    page = f"/meetings/{meeting.id}/agenda/items/{item.id}"
    response = as_admin.post(
        f"{page}/move",
        data={"parent_id": parent, "position": "1", "csrf_token": csrf_from(as_admin, page)},
    )
    assert response.status_code in {302, 422}


@pytest.mark.parametrize("ref", ["²", "٣", str(TOO_BIG)])
def test_a_subscription_to_a_hostile_person_id_is_refused(client, make, session, ref):
    user = make.user()
    token = auth.issue_api_token(session, None, user.id)
    response = client.post(
        "/api/v1/subscriptions",
        json={"scope": f"person:{ref}"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "scope"


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/meetings", {"q": "a\x00b"}),
        ("/meetings/calendar", {"q": "\x00"}),
        ("/audit", {"action": "meeting.created\x00"}),
        ("/planning", {"series": "\x00"}),
        ("/meetings", {"\x00": "1"}),
        ("/login", {"next": "/\x00/evil.example"}),
    ],
)
def test_a_nul_in_a_page_query_string_is_400(as_admin, path, query):
    """PostgreSQL refuses NUL in a query parameter: a search for one was a 500 there."""
    response = as_admin.get(path, query_string=query)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
