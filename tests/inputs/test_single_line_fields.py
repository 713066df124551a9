"""Every single-line text field of every create/edit form refuses CR, LF and U+202E.

The fields are found by walking the forms as a browser sees them (every `<input type="text">`
of each create/edit form), not listed by hand, so a field added later is covered too. A
refused save shows the form again (no redirect) and writes nothing. The API calls the same
services (app.core.validation.text), so it refuses the same values.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask

from app.auth.models import Role
from tests import factories
from tests.helpers import row_counts
from tests.web.conftest import sign_in
from tests.web.test_form_fuzz import FormDefaults

BAD = {
    "CR LF": "Consultation\r\nBcc: leak@example.com",
    "LF": "Consultation\nBcc: leak@example.com",
    "U+202E": "Consultation \u202egnitsoh",
}
# Single-line inputs that are not stored text: searches and filters.
NOT_STORED = {"q"}


class TextInputs(HTMLParser):
    """Names of the single-line text inputs in the form posting to `action`."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.names, self._in_form = action, [], False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._in_form = found.get("action", "") in ("", self.action)
        elif (
            self._in_form
            and tag == "input"
            and found.get("type", "text") == "text"
            and found.get("name")
        ):
            self.names.append(found["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


@pytest.fixture
def site(app: Flask, client, make: factories.Factory, session, monkeypatch):
    meeting = make.meeting()
    item = make.item(meeting)
    person = make.person()
    admin = make.user(Role.ADMIN)
    session.commit()
    sign_in(client, admin)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    return client, meeting, item, person


def _forms(meeting: Any, item: Any) -> dict[str, str]:
    """{action: page showing its form} for every form that creates or edits stored text."""
    agenda = f"/meetings/{meeting.id}/agenda"
    page = f"{agenda}/items/{item.id}"
    forms = {
        "/meetings/new": "/meetings/new",
        f"/meetings/{meeting.id}/edit": f"/meetings/{meeting.id}/edit",
        f"{agenda}/items": agenda,
        page: page,
        f"{page}/papers": page,
        f"{page}/actions": page,
        f"{agenda}/circulate": agenda,
        "/topics/new": "/topics/new",
        "/people/new": "/people/new",
        "/organisations/new": "/organisations/new",
        "/feeds/": "/feeds/",
        "/admin/users/new": "/admin/users/new",
        f"/meetings/{meeting.id}/cancel": f"/meetings/{meeting.id}/cancel",  # last: it cancels
    }
    return forms


def test_every_single_line_field_of_every_form_refuses_line_breaks_and_overrides(site, session):
    client, meeting, item, _person = site
    checked: list[str] = []
    for action, page in _forms(meeting, item).items():
        html = client.get(page).get_data(as_text=True)
        inputs = TextInputs(action)
        inputs.feed(html)
        defaults = FormDefaults(action)
        defaults.feed(html)
        assert inputs.names, f"no text inputs in the form for {action} on {page}"
        for name in inputs.names:
            if name in NOT_STORED:
                continue
            for label, value in BAD.items():
                session.expire_all()
                before = row_counts(session)
                response = client.post(action, data={**defaults.values, name: value})
                assert response.status_code < 500, (action, name, label)
                assert response.status_code != 302, f"{action} accepted {label} in {name}"
                session.expire_all()
                assert row_counts(session) == before, (action, name, label)
            checked.append(f"{action} {name}")
    print(f"{len(checked)} single-line fields checked")
    assert len(checked) >= 20, checked
