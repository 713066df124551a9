"""Signed-in sessions a user can see and end, and named API tokens with an expiry."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import services as auth
from app.auth import sessions
from app.auth.models import ApiToken, Role, UserSession
from app.core import clock
from tests.conftest import _FreshGlobalsClient
from tests.identity.conftest import csrf_from, sign_in

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def _browser(app, user, agent):
    app.test_client_class = _FreshGlobalsClient
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    return sign_in(client, user)


def _rows(session, user):
    return session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).all()


def test_account_page_lists_each_browser_and_ends_another(app, make, session):
    user = make.user(Role.VIEWER)
    laptop, phone = _browser(app, user, FIREFOX), _browser(app, user, CHROME_MAC)
    page = laptop.get("/account").get_data(as_text=True)
    assert "Firefox on Windows" in page
    assert "Chrome on macOS" in page
    assert "this browser" in page
    _, phone_row = _rows(session, user)
    response = laptop.post(
        f"/account/sessions/{phone_row.id}/end", data={"csrf_token": csrf_from(laptop, "/account")}
    )
    assert response.status_code == 302
    assert phone.get("/").status_code == 302  # the phone is signed out at once
    assert laptop.get("/").status_code == 200  # this browser is not
    assert "Chrome on macOS" not in laptop.get("/account").get_data(as_text=True)


def test_a_session_of_someone_else_cannot_be_ended(app, make, session):
    me, other = make.user(), make.user()
    mine, theirs = _browser(app, me, FIREFOX), _browser(app, other, FIREFOX)
    [their_row] = _rows(session, other)
    response = mine.post(
        f"/account/sessions/{their_row.id}/end", data={"csrf_token": csrf_from(mine, "/account")}
    )
    assert response.status_code == 404
    assert theirs.get("/").status_code == 200


def test_sign_out_ends_only_this_browser_and_end_others_keeps_this_one(app, make, session):
    user = make.user()
    first, second, third = (_browser(app, user, FIREFOX) for _ in range(3))
    first.post("/logout", data={"csrf_token": csrf_from(first, "/account")})
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 200
    assert third.get("/").status_code == 200
    response = second.post(
        "/account/sessions/end-others", data={"csrf_token": csrf_from(second, "/account")}
    )
    assert response.status_code == 302
    assert third.get("/").status_code == 302
    assert second.get("/").status_code == 200


def test_a_copied_cookie_stops_working_when_its_session_ends(app, make, session):
    user = make.user()
    browser = _browser(app, user, FIREFOX)
    thief = app.test_client()
    cookie = browser.get_cookie("entente")
    assert cookie is not None
    thief.set_cookie("entente", cookie.value)
    thief.environ_base["HTTP_USER_AGENT"] = FIREFOX
    assert thief.get("/account").status_code == 200
    browser.post("/logout", data={"csrf_token": csrf_from(browser, "/account")})
    assert thief.get("/account").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute_and_only_on_safe_requests(app, make, session):
    user = make.user()
    start = clock.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        browser = _browser(app, user, FIREFOX)
        [row] = _rows(session, user)
        assert row.last_seen_at == start
        traveller.shift(timedelta(seconds=30))
        browser.get("/account")
        session.refresh(row)
        assert row.last_seen_at == start  # within the minute: no write
        traveller.shift(timedelta(seconds=45))
        browser.post("/account", data={"csrf_token": csrf_from(browser, "/account")})
        session.refresh(row)
        # the GET inside csrf_from wrote it (75 s after the start); the POST itself never does
        assert row.last_seen_at == start + timedelta(seconds=75)
        traveller.shift(timedelta(seconds=90))
        browser.post("/account", data={"timezone": "", "csrf_token": "stale"})
        session.refresh(row)
        assert row.last_seen_at == start + timedelta(seconds=75)


def test_an_idle_session_ends_after_the_session_lifetime(app, make, session):
    user = make.user()
    with time_machine.travel(clock.now(), tick=False) as traveller:
        browser = _browser(app, user, FIREFOX)
        hours = app.extensions["entente.settings"].session_lifetime_hours
        traveller.shift(timedelta(hours=hours, minutes=1))
        assert browser.get("/").status_code == 302


def test_browser_labels():
    assert sessions.browser_label(FIREFOX) == "Firefox on Windows"
    assert sessions.browser_label(CHROME_MAC) == "Chrome on macOS"
    assert sessions.browser_label("curl/8.5.0") == "curl"
    assert sessions.browser_label("") == "Unknown browser"


# --- API tokens ----------------------------------------------------------------------------


def test_account_page_makes_a_named_token_shown_once_then_lists_and_revokes_it(app, make, session):
    user = make.user(Role.EDITOR)
    browser = _browser(app, user, FIREFOX)
    response = browser.post(
        "/account/tokens",
        data={
            "label": "Reporting script",
            "days": "30",
            "csrf_token": csrf_from(browser, "/account"),
        },
    )
    assert response.status_code == 200
    token = re.search(r'id="new-token">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert auth.user_for_token(session, token) == user
    row = auth.token_row(session, token)
    assert row.label == "Reporting script"
    assert timedelta(days=29, hours=23) < row.expires_at - clock.now() <= timedelta(days=30)
    page = browser.get("/account").get_data(as_text=True)
    assert "Reporting script" in page
    assert token not in page  # never shown again
    browser.post(
        f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_from(browser, "/account")}
    )
    assert auth.user_for_token(session, token) is None
    assert f"/account/tokens/{row.id}/revoke" not in browser.get("/account").get_data(as_text=True)


def test_token_form_refuses_a_bad_lifetime(app, make):
    browser = _browser(app, make.user(), FIREFOX)
    response = browser.post(
        "/account/tokens",
        data={"label": "x", "days": "99999", "csrf_token": csrf_from(browser, "/account")},
    )
    assert response.status_code == 422
    assert "Number must be between" in response.get_data(as_text=True)


def test_a_token_expires_after_the_default_ninety_days(make, session):
    user = make.user()
    token = auth.issue_api_token(session, None, user.id, "default")
    assert auth.user_for_token(session, token) == user
    with time_machine.travel(clock.now() + timedelta(days=90, seconds=1), tick=False):
        assert auth.user_for_token(session, token) is None


def test_api_lists_own_tokens_and_revokes_one(api_viewer, make, session):
    me = auth.user_for_token(session, api_viewer.token)
    spare = auth.issue_api_token(session, None, me.id, "spare", days=7)
    listed = api_viewer.get("/tokens")
    assert listed.status_code == 200
    assert {t["label"] for t in listed.json} == {"test", "spare"}
    assert all("token" not in t and "token_hash" not in t for t in listed.json)
    spare_id = auth.token_row(session, spare).id
    assert api_viewer.delete(f"/tokens/{spare_id}").status_code == 204
    assert auth.user_for_token(session, spare) is None
    # someone else's token is not found
    other = make.user()
    theirs = auth.token_row(session, auth.issue_api_token(session, None, other.id, "theirs"))
    session.commit()  # a 404 rolls the request's session back: keep the setup
    assert api_viewer.delete(f"/tokens/{theirs.id}").status_code == 404
    assert theirs.revoked_at is None


def test_api_token_sign_in_takes_a_name_and_expiry(client, make, session):
    user = make.user()
    response = client.post(
        "/api/v1/tokens",
        json={
            "email": user.email,
            "password": "correct horse battery staple",
            "label": "n8n",
            "expires_in_days": 10,
        },
    )
    assert response.status_code == 201, response.json
    row = auth.token_row(session, response.json["token"])
    assert row.label == "n8n"
    assert response.json["expires_at"].startswith(row.expires_at.date().isoformat())
    too_long = client.post(
        "/api/v1/tokens",
        json={"email": user.email, "password": "x", "expires_in_days": 100000},
    )
    assert too_long.status_code == 422


def test_admin_lists_and_revokes_a_users_token(api_admin, make, session):
    user = make.user()
    token = auth.issue_api_token(session, None, user.id, "theirs")
    listed = api_admin.get(f"/users/{user.id}/tokens").json
    assert [t["label"] for t in listed] == ["theirs"]
    assert api_admin.delete(f"/users/{user.id}/tokens/{listed[0]['id']}").status_code == 204
    assert session.scalar(select(ApiToken.revoked_at).where(ApiToken.id == listed[0]["id"]))
    assert auth.user_for_token(session, token) is None


def test_every_session_ends_at_the_absolute_limit_even_when_used(app, make, session):
    user = make.user()
    settings = app.extensions["entente.settings"]
    app.extensions["entente.settings"] = settings.replace(session_max_hours=3)
    try:
        with time_machine.travel(clock.now(), tick=False) as traveller:
            browser = _browser(app, user, FIREFOX)
            for _ in range(2):
                traveller.shift(timedelta(minutes=80))
                assert browser.get("/").status_code == 200  # in use: never idle
            traveller.shift(timedelta(minutes=21))  # 3 h 1 min after signing in
            assert browser.get("/").status_code == 302
    finally:
        app.extensions["entente.settings"] = settings


def test_an_admin_ends_every_session_of_a_user(app, make, session, as_admin):
    user = make.user()
    laptop, phone = _browser(app, user, FIREFOX), _browser(app, user, CHROME_MAC)
    response = as_admin.post(
        f"/admin/users/{user.id}/sessions/end",
        data={"csrf_token": csrf_from(as_admin, f"/admin/users/{user.id}")},
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert as_admin.get("/").status_code == 200
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "session.ended_all"))
    assert entry.changes == {"sessions": 2}
