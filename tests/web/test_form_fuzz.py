"""Fuzz: hostile values in every field of key forms and filters give the page or a 4xx, never
a 500 (schemathesis does the same for the API). Each field mixes plausible and hostile text:
NUL, '²', numbers past any column, impossible dates, very long text."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth.models import Role
from tests import factories
from tests.web.conftest import sign_in

SPECIAL = ["", " ", "²", "٣", "\x00", "a\x00b", "-1", "0", str(2**31), str(10**20), "1e400"]
SPECIAL += ["nan", "2026-02-30", "99999-12-31", "25:99", "x" * 5000, "person:²", "\u202e"]
hostile = st.one_of(
    st.sampled_from(SPECIAL),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
)
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class FormDefaults(HTMLParser):
    """The values a browser would send for the page's form with `action` (as first shown)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.values, self._in_form, self._select = action, {}, False, ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._in_form = found.get("action", "") in ("", self.action)
        elif not self._in_form or not (name := found.get("name", self._select)):
            return
        elif tag == "input" and (
            found.get("type") not in ("checkbox", "radio") or "checked" in found
        ):
            self.values.setdefault(name, found.get("value", ""))
        elif tag in ("select", "textarea"):
            self._select = name if tag == "select" else ""
            self.values.setdefault(name, "")
        elif tag == "option" and ("selected" in found or not self.values.get(name)):
            self.values[name] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        if tag == "select":
            self._select = ""


def _defaults(client: FlaskClient, page: str, action: str) -> dict[str, str]:
    parser = FormDefaults(action)
    parser.feed(client.get(page).get_data(as_text=True))
    parser.values.pop("csrf_token", None)
    assert parser.values, f"no form for {action} on {page}"
    return parser.values


def _mutations(base: dict[str, str]) -> st.SearchStrategy[dict[str, str]]:
    """The form as shown, with one to three fields replaced by hostile values."""
    changed = st.dictionaries(st.sampled_from(sorted(base)), hostile, min_size=1, max_size=3)
    return changed.map(lambda fields: {**base, **fields})


@pytest.fixture
def site(app: Flask, client: FlaskClient, make: factories.Factory, session: Any, monkeypatch):
    """An admin's client (CSRF is tested elsewhere) and a meeting with an item, committed so
    that a view's rollback keeps them."""
    meeting = make.meeting()
    item = make.item(meeting)
    admin = make.user(Role.ADMIN)
    session.commit()
    sign_in(client, admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    return client, meeting, item


def _never_500(send: Callable[[dict[str, str]], Any]) -> Callable[[dict[str, str]], None]:
    def check(data: dict[str, str]) -> None:
        response = send(data)
        assert response.status_code < 500, (data, response.status_code)

    return check


def _fuzz_forms(client: FlaskClient, forms: dict[str, str]) -> None:
    """{action: page showing its form}: POST the form with each special value in each field,
    then with random hostile fields."""
    for action, page in forms.items():
        base = _defaults(client, page, action)
        send = _never_500(lambda data, action=action: client.post(action, data=data))
        for name in base:
            for value in SPECIAL:
                send({**base, name: value})
        given(_mutations(base))(FUZZ(send))()


def _fuzz_query(client: FlaskClient, path: str, names: list[str]) -> None:
    send = _never_500(lambda data: client.get(path, query_string=data))
    for name in names:
        for value in SPECIAL:
            send({name: value})
    given(st.fixed_dictionaries({}, optional=dict.fromkeys(names, hostile)))(FUZZ(send))()


@pytest.mark.slow
def test_agenda_item_forms(site):
    client, meeting, item = site
    agenda = f"/meetings/{meeting.id}/agenda"
    page = f"{agenda}/items/{item.id}"
    _fuzz_forms(
        client,
        {
            f"{agenda}/items": agenda,
            page: page,
            f"{page}/move": page,
            f"{page}/papers": page,
            f"{page}/actions": page,
            f"{page}/outcome": page,
        },
    )


@pytest.mark.slow
def test_meeting_topic_people_and_feed_forms(site):
    client, meeting, _item = site
    pages = ["/meetings/new", f"/meetings/{meeting.id}/edit", f"/meetings/{meeting.id}/move"]
    pages += ["/topics/new", "/people/new", "/organisations/new", "/feeds/", "/admin/users/new"]
    _fuzz_forms(client, {page: page for page in pages})


@pytest.mark.slow
def test_list_filters_and_pages(site):
    client, meeting, _item = site
    queries = {
        "/meetings": ["q", "topic", "kind", "organisation", "status", "date_from", "page"],
        "/meetings/calendar": ["month", "topic", "date_to"],
        "/audit": ["entity_type", "entity_id", "actor", "action", "since", "until", "page"],
        "/people": ["organisation", "page"],
        "/invitations": ["status", "page"],
        "/planning": ["from", "to", "series"],
        f"/meetings/{meeting.id}/agenda.md": ["version", "draft", "side", "lang"],
        f"/meetings/{meeting.id}/agenda/compare": ["from", "to"],
    }
    for path, names in queries.items():
        _fuzz_query(client, path, names)
