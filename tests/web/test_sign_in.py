"""Sign-in: wrong passwords, rate limit, cookie flags, sessions that really end."""

from __future__ import annotations

import pytest

from app import create_app
from app.auth import services as auth
from app.extensions import db, limiter
from tests import factories
from tests.conftest import make_settings
from tests.web.conftest import csrf_from, sign_in


def _attempt(client, email, password, **kwargs):
    token = csrf_from(client, "/login")
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}, **kwargs
    )


def test_wrong_password_is_refused_and_the_address_kept(client, viewer):
    response = _attempt(client, viewer.email, "not the password")
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "E-mail address or password is not right" in html
    assert f'value="{viewer.email}"' in html
    assert client.get("/").status_code == 302


def test_disabled_user_cannot_sign_in(client, make, session):
    user = make.user()
    auth.set_active(session, None, user.id, False)
    assert _attempt(client, user.email, factories.PASSWORD).status_code == 401


def test_login_attempts_are_rate_limited(app, client, viewer, monkeypatch):
    settings = app.extensions["entente.settings"]
    monkeypatch.setitem(
        app.extensions, "entente.settings", settings.replace(login_rate_limit="3 per minute")
    )
    limiter.reset()
    environ = {"REMOTE_ADDR": "192.0.2.7"}
    for _ in range(3):
        assert _attempt(client, viewer.email, "wrong", environ_base=environ).status_code == 401
    blocked = _attempt(client, viewer.email, factories.PASSWORD, environ_base=environ)
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)
    # Another address is not affected, and GETs of the form are never counted.
    assert client.get("/login", environ_base=environ).status_code == 200
    other = _attempt(client, viewer.email, factories.PASSWORD, environ_base={"REMOTE_ADDR": "x"})
    assert other.status_code == 302
    limiter.reset()


def test_only_failed_sign_ins_count_and_the_429_says_when_to_try_again(
    app, client, viewer, monkeypatch
):
    settings = app.extensions["entente.settings"]
    monkeypatch.setitem(
        app.extensions, "entente.settings", settings.replace(login_rate_limit="3 per minute")
    )
    limiter.reset()
    environ = {"REMOTE_ADDR": "192.0.2.8"}
    for _ in range(5):  # more successes than the limit (each in a new browser): none counts
        success = _attempt(
            app.test_client(), viewer.email, factories.PASSWORD, environ_base=environ
        )
        assert success.status_code == 302
    for _ in range(3):
        assert _attempt(client, viewer.email, "wrong", environ_base=environ).status_code == 401
    blocked = _attempt(client, viewer.email, factories.PASSWORD, environ_base=environ)
    assert blocked.status_code == 429
    wait = int(blocked.headers["Retry-After"])
    assert 0 < wait <= 60
    html = blocked.get_data(as_text=True)
    assert "Too many failed sign-in attempts from your address" in html
    assert "Try again in " in html
    assert "3 per 1 minute" not in html
    limiter.reset()


OFF_SITE = [
    "//evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "https:evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",  # browsers drop the tab: //evil.example
    "/\n/evil.example",  # and newlines (which also may not go into a header)
    "/\r\n/evil.example",
    "\t//evil.example",
    "/ /evil.example",
    "evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_only_goes_to_local_paths(client, viewer, target):
    token = csrf_from(client, "/login")
    data = {"email": viewer.email, "password": factories.PASSWORD, "csrf_token": token}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    # Signed in already, the sign-in page passes `next` on too.
    assert client.get("/login", query_string={"next": target}).headers["Location"] == "/"


def test_next_keeps_a_local_path_with_its_query(client, viewer):
    token = csrf_from(client, "/login")
    data = {"email": viewer.email, "password": factories.PASSWORD, "csrf_token": token}
    response = client.post("/login", query_string={"next": "/meetings?page=2"}, data=data)
    assert response.headers["Location"] == "/meetings?page=2"


def test_session_cookie_flags(client, viewer):
    response = _attempt(client, viewer.email, factories.PASSWORD)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("entente="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("secure", [True, False])
def test_production_cookies_are_secure_and_host_only(database_url, tmp_path, secure):
    other = create_app(make_settings(database_url, tmp_path, session_cookie_secure=secure))
    assert other.config["SESSION_COOKIE_SECURE"] is secure
    assert other.config["REMEMBER_COOKIE_SECURE"] is secure
    assert other.config["SESSION_COOKIE_HTTPONLY"] is True
    assert other.config["SESSION_COOKIE_NAME"] == ("__Host-entente" if secure else "entente")
    with other.app_context():
        db.engine.dispose()


def _copied_cookie(client):
    return client.get_cookie("entente").value


def test_sign_out_ends_every_copy_of_the_session(app, client, viewer):
    sign_in(client, viewer)
    stolen = _copied_cookie(client)
    token = csrf_from(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("entente", stolen)
    response = thief.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_disabling_a_user_ends_their_session(app, client, viewer, session):
    sign_in(client, viewer)
    assert client.get("/").status_code == 200
    auth.set_active(session, None, viewer.id, False)
    session.flush()
    assert client.get("/").status_code == 302


def test_sign_out_needs_csrf(as_viewer):
    assert as_viewer.post("/logout").status_code == 400
    assert as_viewer.get("/").status_code == 200


def test_a_role_change_ends_the_user_s_sessions(app, client, editor, session):
    sign_in(client, editor)
    thief = app.test_client()
    thief.set_cookie("entente", _copied_cookie(client))
    assert thief.get("/").status_code == 200
    auth.set_role(session, None, editor.id, "viewer")
    session.flush()
    assert thief.get("/").status_code == 302
    assert client.get("/").status_code == 302


def test_a_new_password_ends_the_user_s_sessions(app, client, viewer, session):
    sign_in(client, viewer)
    auth.set_password(session, None, viewer.id, "a different long password")
    session.flush()
    assert client.get("/").status_code == 302


def test_nothing_from_before_sign_in_carries_over(client, viewer):
    """Session fixation: values planted in the session before sign-in are gone after it."""
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
        planted["csrf_token"] = "known-to-the-attacker"
    sign_in(client, viewer)
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after.get("csrf_token") != "known-to-the-attacker"
