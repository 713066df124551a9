"""Walk every route: nothing but the allow-listed public ones may answer without the right role.

A view protected with @role_required carries `required_role`; a route without it must be on
the allow-list below (and say why). Then each route is requested anonymously and, for editor
and admin routes, as a user one role short: none may answer with content.
"""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing import Rule

from app.agendas import paper_files, papers
from app.agendas import services as agenda_services
from app.agendas.models import PaperFile
from app.audit.models import AuditEntry
from app.auth import services as auth
from app.auth.models import Role
from tests import restricted
from tests.files import documents
from tests.web.conftest import sign_in

# endpoint -> why it is public
PUBLIC = {
    "static": "stylesheets, scripts, icons",
    "health.healthz": "load-balancer health check, no data",
    "auth.login": "the sign-in page itself",
    "auth.logout": "signing out needs no role (and a CSRF token)",
    "sso.start": "single sign-on: sends the browser to the provider (404 when none)",
    "sso.callback": "single sign-on: the provider's answer, checked before anyone signs in",
    "sso.signed_out": "after signing out: the link to sign out at the provider too",
    "openapi.spec": "the API's public description (/api/v1/openapi.json), no data",
    "api_tokens.sign_in": "API sign-in: exchanges a password for a token, rate-limited",
    # The second step of signing in: the password (or the identity provider) was checked and
    # the session cookie holds a pending sign-in; without one each sends back to /login.
    "second_factor.verify": "second step of sign-in (a code), rate-limited",
    "second_factor.passkey_options": "second step of sign-in (passkey challenge)",
    "second_factor.passkey_sign_in": "second step of sign-in (passkey), rate-limited",
    "second_factor.setup": "first factor set-up during a sign-in that requires one",
    "factors.authenticator": "set up an app: signed in, or during such a sign-in",
    "factors.passkey_options": "add a passkey: signed in, or during such a sign-in",
    "factors.add_passkey": "add a passkey: signed in, or during such a sign-in",
    "language": "the signed-out language switcher: a session preference only (and a CSRF token)",
}
# Endpoints authorised by a token in the URL instead of a session (calendar feeds); the
# subscription pages beside them are ordinary pages and are walked like the rest.
TOKEN_ENDPOINTS = {
    "feeds.public_feed": "meetings marked public, for anyone",
    "feeds.subscription_feed": "the token in the URL is the credential (unknown: 404)",
}
DENIED = {302, 401, 403}


def _rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in PUBLIC]


def _url(rule: Rule) -> str:
    path = rule.build(_values(rule), append_unknown=False)
    assert path is not None
    return path[1]


def _values(rule: Rule) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        kind = type(converter).__name__
        if kind == "AnyConverter":  # e.g. agenda.<any(pdf, docx, html, md):fmt>
            values[name] = sorted(converter.items)[0]  # type: ignore[attr-defined]
        else:
            values[name] = 1 if kind in {"IntegerConverter"} else "x"
    return values


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


@pytest.fixture
def no_csrf(app, monkeypatch):
    """CSRF would refuse POSTs before the role check; switch it off so the check is reached."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)


def test_every_route_declares_a_role_or_is_allow_listed(app):
    missing = [
        rule.endpoint
        for rule in _rules(app)
        if rule.endpoint not in TOKEN_ENDPOINTS
        and getattr(app.view_functions[rule.endpoint], "required_role", None) is None
    ]
    assert missing == [], f"routes without @role_required and not allow-listed: {missing}"


def test_anonymous_requests_are_refused(app, client, no_csrf):
    answered = []
    for rule in _rules(app):
        if rule.endpoint in TOKEN_ENDPOINTS:
            continue
        for method in _methods(rule):
            response = client.open(_url(rule), method=method)
            if response.status_code not in DENIED:
                answered.append((method, rule.rule, response.status_code))
            elif response.status_code == 302:
                assert response.headers["Location"].startswith("/login"), rule.rule
    assert answered == []


@pytest.mark.parametrize(
    ("role", "refused_for"),
    [(Role.VIEWER, {Role.EDITOR, Role.ADMIN}), (Role.EDITOR, {Role.ADMIN})],
)
def test_under_privileged_users_are_refused(
    app, client, make, session, monkeypatch, role, refused_for
):
    """Pages are tried with the user's session, the JSON API with the user's bearer token."""
    user = make.user(role)
    bearer = {"Authorization": f"Bearer {auth.issue_api_token(session, None, user.id)}"}
    sign_in(client, user)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    checked, answered = 0, []
    for rule in _rules(app):
        needed = getattr(app.view_functions[rule.endpoint], "required_role", None)
        if needed not in refused_for:
            continue
        for method in _methods(rule):
            checked += 1
            headers = bearer if rule.rule.startswith("/api/") else {}
            response = client.open(_url(rule), method=method, headers=headers)
            if response.status_code != 403:
                answered.append((method, rule.rule, response.status_code))
    assert checked > 0
    assert answered == []


def test_the_walk_covers_pages_api_and_feed_pages(app):
    endpoints = {rule.endpoint for rule in _rules(app)}
    assert {"feeds.subscriptions", "feeds.revoke", "feeds.rotate"} <= endpoints
    assert any(endpoint.startswith("api_") for endpoint in endpoints)


def test_the_api_ignores_the_session_cookie(as_admin):
    """Only a bearer token opens the API, which is why it can be exempt from CSRF."""
    assert as_admin.get("/api/v1/users").status_code == 401
    assert as_admin.post("/api/v1/topics", json={"slug": "x", "name": "X"}).status_code == 401


def test_unknown_feed_tokens_are_not_found(client):
    assert client.get(f"/feeds/{'x' * 43}.ics").status_code == 404


@pytest.fixture
def real_ids(make, session) -> dict[str, int]:
    """Ids of rows that exist, for every id a route takes (committed: views roll back)."""
    meeting = make.meeting()
    ids = {
        "meeting_id": meeting.id,
        "item_id": make.item(meeting).id,
        "invitation_id": make.invitation(meeting).id,
        "user_id": make.user(Role.VIEWER).id,
        "topic_id": make.topic().id,
        "number": 1,
    }
    session.commit()
    return ids


def _real_url(rule: Rule, ids: dict[str, int]) -> str:
    built = rule.build({**_values(rule), **{k: ids[k] for k in rule.arguments & set(ids)}})
    assert built is not None
    return built[1]


def _audit_count(session) -> int:
    return session.scalar(select(func.count(AuditEntry.id))) or 0


def test_get_requests_change_nothing(app, as_admin, make, session, real_ids):
    """GET is safe: walking every page and API read as an admin, with ids that exist, writes
    no audit entry (every change is audited) and answers no 500."""
    token = auth.issue_api_token(session, None, make.user(Role.ADMIN).id)
    session.commit()
    before = _audit_count(session)
    answered = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        headers = {"Authorization": f"Bearer {token}"} if rule.rule.startswith("/api/") else {}
        path = _real_url(rule, real_ids)
        answered[path] = as_admin.get(path, headers=headers).status_code
    assert [path for path, status in answered.items() if status >= 500] == []
    assert sum(status == 200 for status in answered.values()) > 40
    assert _audit_count(session) == before


def test_every_page_post_without_a_csrf_token_is_400_and_changes_nothing(
    app, as_admin, session, real_ids
):
    before = _audit_count(session)
    answered = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue  # bearer tokens only (test_the_api_ignores_the_session_cookie)
        for method in set(_methods(rule)) - {"GET"}:
            path = _real_url(rule, real_ids)
            answered[method, path] = as_admin.open(path, method=method, data={"x": "1"}).status_code
    assert len(answered) > 25
    assert {key: status for key, status in answered.items() if status != 400} == {}
    assert _audit_count(session) == before


def test_allowed_roles_get_through(as_viewer):
    """The audit above would pass if everything were refused: check the door also opens."""
    assert as_viewer.get("/meetings").status_code == 200
    assert as_viewer.get("/meetings/new").status_code == 403


# Path arguments that name a meeting, directly or through what belongs to it.
MEETING_ARGUMENTS = {"meeting_id", "invitation_id"}
# Query strings a route needs to get past input validation (which comes before any lookup).
QUERIES = {"agendas.compare": "?from=1&to=1", "api_agenda_versions.compare": "?old=1&new=1"}


def _reading_routes(app: Flask) -> list[Rule]:
    """Every GET route a viewer may call with a meeting (or an invitation) in its path."""
    return [
        rule
        for rule in _rules(app)
        if "GET" in (rule.methods or set())
        and MEETING_ARGUMENTS & set(rule.arguments)
        and getattr(app.view_functions[rule.endpoint], "required_role", None) is Role.VIEWER
    ]


def _restricted_url(
    rule: Rule, scenario: restricted.Scenario, more: dict[str, int] | None = None
) -> str:
    ids = {"meeting_id": scenario.meeting.id, "invitation_id": scenario.invitation.id}
    ids.update(more or {})
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        if name in ids:
            values[name] = ids[name]
        elif converter == "AnyConverter":
            values[name] = sorted(rule._converters[name].items)[0]  # type: ignore[attr-defined]
        else:
            values[name] = 1  # the first agenda version: circulated in the scenario
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule.rule
    return built[1] + QUERIES.get(rule.endpoint, "")


def _uploaded_paper(session, meeting) -> PaperFile:
    """A paper with a file under the restricted meeting's first item (paper routes)."""
    item = agenda_services.items_of(session, meeting.id)[0]
    paper = papers.add_paper(session, None, item.id, "NJ 1/27")
    limits = paper_files.UploadLimits(max_bytes=1_000_000)
    content = io.BytesIO(documents.pdf())
    return paper_files.upload_file(session, None, paper.id, content, "nj.pdf", limits)


def test_every_reading_route_hides_a_restricted_meeting_from_outsiders(app, client, session, make):
    """Walk every viewer route that names a meeting: one a viewer may not read is not found,
    as an unknown one; its editor reads it through each of them."""
    scenario = restricted.build(session, make)
    paper_file = _uploaded_paper(session, scenario.meeting)
    more = {"paper_id": paper_file.paper_id, "file_id": paper_file.id}
    tokens = {
        user.id: {"Authorization": f"Bearer {auth.issue_api_token(session, None, user.id)}"}
        for user in (scenario.outsider, scenario.editor)
    }
    session.commit()  # a 404 rolls back the request's session: keep the tokens
    routes = _reading_routes(app)
    assert {"meetings.show", "agendas.export", "api_meetings.get_meeting"} <= {
        rule.endpoint for rule in routes
    }
    for user, refused in ((scenario.outsider, True), (scenario.editor, False)):
        browser = sign_in(app.test_client(), user)
        for rule in routes:
            url = _restricted_url(rule, scenario, more)
            api = rule.rule.startswith("/api/")
            response = browser.open(url, headers=tokens[user.id] if api else {})
            if refused:
                assert response.status_code == 404, url
                assert restricted.leaks(response.get_data(as_text=True)) == [], url
            else:
                assert response.status_code not in (404, 500), (url, response.status_code)
