"""The second factor: the policy per role and method, an authenticator app (TOTP windows on a
frozen clock, replays refused), recovery codes, an admin's reset and the CLI's."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import factors
from app.auth.factor_models import Passkey, RecoveryCode, SecondFactorPolicy, TotpFactor
from app.auth.models import Role
from app.extensions import limiter
from tests import factories
from tests.conftest import _FreshGlobalsClient
from tests.identity.conftest import csrf_from, sign_in

T0 = datetime(2027, 3, 1, 9, 0, 0, tzinfo=UTC)  # a step boundary (divisible by 30 s)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def required(session, make):
    """Editors and administrators must use a second factor with a password (the default of
    production, which the test settings switch off)."""
    factors.set_required_roles(session, make.user(Role.ADMIN), "password", ["editor", "admin"])


def _client(app):
    app.test_client_class = _FreshGlobalsClient
    return app.test_client()


def _password(client, user):
    return client.post(
        "/login",
        data={
            "email": user.email,
            "password": factories.PASSWORD,
            "csrf_token": csrf_from(client, "/login"),
        },
    )


def _code(client, code):
    return client.post(
        "/login/second-factor",
        data={"code": code, "csrf_token": csrf_from(client, "/login/second-factor")},
    )


def _code_at(moment: datetime, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(moment)


def _with_app(session, user, at=T0):
    with time_machine.travel(at, tick=False):
        factors.enrol_totp(session, user, SECRET, _code_at(at))


def test_a_viewer_signs_in_with_a_password_alone(app, make, required):
    client = _client(app)
    response = _password(client, make.user(Role.VIEWER))
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_an_editor_without_a_factor_must_set_one_up_before_getting_in(app, make, required):
    client = _client(app)
    editor = make.user(Role.EDITOR)
    with time_machine.travel(T0, tick=False):
        response = _password(client, editor)
        assert response.headers["Location"] == "/login/second-factor/setup"
        assert client.get("/").status_code == 302  # not signed in yet
        assert client.get("/account").status_code == 302
        page = client.get("/account/authenticator").get_data(as_text=True)
        secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
        assert "<svg" in page  # the QR code
        wrong = client.post(
            "/account/authenticator",
            data={"code": "000000", "csrf_token": csrf_from(client, "/login")},
        )
        assert wrong.status_code == 422
        assert "That code is not right" in wrong.get_data(as_text=True)
        done = client.post(
            "/account/authenticator",
            data={"code": _code_at(T0, secret), "csrf_token": csrf_from(client, "/login")},
        )
        assert done.headers["Location"] == "/account"
        assert client.get("/").status_code == 200


def test_the_code_box_is_offered_only_to_those_who_have_a_code(app, make, session, required):
    passkey_only, with_app = make.user(Role.EDITOR), make.user(Role.EDITOR)
    session.add(Passkey(user_id=passkey_only.id, credential_id=b"k", public_key=b"p", name="Key"))
    _with_app(session, with_app)
    session.flush()
    pages = {}
    for user in (passkey_only, with_app):
        client = _client(app)
        assert _password(client, user).headers["Location"] == "/login/second-factor"
        pages[user.id] = client.get("/login/second-factor").get_data(as_text=True)
    assert "Use your passkey or security key" in pages[passkey_only.id]
    assert 'name="code"' not in pages[passkey_only.id]
    assert 'name="code"' in pages[with_app.id]
    assert "Use your passkey" not in pages[with_app.id]


def test_an_editor_with_an_app_gives_a_code_and_a_used_code_is_refused(
    app, make, session, required
):
    editor = make.user(Role.EDITOR)
    _with_app(session, editor, T0 - timedelta(minutes=5))
    first, second = _client(app), _client(app)
    with time_machine.travel(T0 + timedelta(seconds=5), tick=False):
        assert _password(first, editor).headers["Location"] == "/login/second-factor"
        assert first.get("/").status_code == 302
        assert _code(first, _code_at(T0)).headers["Location"] == "/"
        assert first.get("/").status_code == 200
        # Someone who saw the code (and knows the password) cannot use it again.
        _password(second, editor)
        replay = _code(second, _code_at(T0))
        assert replay.status_code == 401
        assert "has been used already" in replay.get_data(as_text=True)
        assert second.get("/").status_code == 302


def test_totp_window_one_step_either_side_and_never_backwards(session, make):
    user = make.user(Role.EDITOR)
    _with_app(session, user, T0 - timedelta(minutes=10))
    with time_machine.travel(T0 + timedelta(seconds=10), tick=False):
        two_back = _code_at(T0 - timedelta(seconds=60))
        assert not factors.verify_totp(session, user, two_back)  # too old
        assert not factors.verify_totp(session, user, _code_at(T0 + timedelta(seconds=60)))
        assert factors.verify_totp(session, user, _code_at(T0 - timedelta(seconds=30)))  # drift
        assert factors.verify_totp(session, user, _code_at(T0 + timedelta(seconds=30)))  # ahead
        # the step after the last accepted one is now the earliest a code may come from
        assert not factors.verify_totp(session, user, _code_at(T0))
        assert not factors.verify_totp(session, user, "12345")  # not six digits
    with time_machine.travel(T0 + timedelta(seconds=70), tick=False):
        assert factors.verify_totp(session, user, _code_at(T0 + timedelta(seconds=60)))


def test_recovery_codes_work_once_each_and_new_ones_replace_the_old(app, make, session, required):
    editor = make.user(Role.EDITOR)
    _with_app(session, editor)
    browser = _client(app)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        _password(browser, editor)
        _code(browser, _code_at(T0 + timedelta(minutes=1)))
        page = browser.post(
            "/account/recovery-codes", data={"csrf_token": csrf_from(browser, "/account")}
        ).get_data(as_text=True)
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", page)
    assert len(codes) == factors.RECOVERY_CODES
    stored = session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == editor.id)
    )
    assert all(h.startswith("$argon2") for h in stored)
    other = _client(app)
    _password(other, editor)
    assert _code(other, codes[0].upper().replace("-", " ")).headers["Location"] == "/"
    again = _client(app)
    _password(again, editor)
    assert _code(again, codes[0]).status_code == 401
    assert factors.recovery_codes_left(session, editor) == factors.RECOVERY_CODES - 1
    factors.new_recovery_codes(session, editor)
    assert not factors.use_recovery_code(session, editor, codes[1])


def test_the_factor_page_without_a_pending_sign_in_goes_back_to_login(app):
    client = _client(app)
    assert client.get("/login/second-factor").headers["Location"] == "/login"
    assert client.get("/login/second-factor/setup").headers["Location"] == "/login"
    assert client.get("/account/authenticator").headers["Location"] == "/login"


def test_a_pending_sign_in_expires_after_ten_minutes(app, make, session, required):
    editor = make.user(Role.EDITOR)
    _with_app(session, editor)
    client = _client(app)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False) as traveller:
        _password(client, editor)
        traveller.shift(timedelta(minutes=11))
        assert client.get("/login/second-factor").headers["Location"] == "/login"


def test_an_admin_resets_a_users_factors_and_it_is_audited(app, make, session, as_admin):
    editor = make.user(Role.EDITOR)
    _with_app(session, editor)
    factors.new_recovery_codes(session, editor)
    signed_in = sign_in(_client(app), editor)
    response = as_admin.post(
        f"/admin/users/{editor.id}/factors/reset",
        data={"csrf_token": csrf_from(as_admin, f"/admin/users/{editor.id}")},
    )
    assert response.status_code == 302
    assert not factors.has_second_factor(session, editor)
    assert factors.recovery_codes_left(session, editor) == 0
    assert signed_in.get("/").status_code == 302
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "factor.reset"))
    assert entry.entity_id == editor.id


def test_cli_resets_the_last_admins_factors(cli, make, session):
    admin = make.user(Role.ADMIN)
    _with_app(session, admin)
    session.commit()
    result = cli.invoke(args=["users", "reset-factors", admin.email])
    assert result.exit_code == 0, result.output
    assert "Second factors of" in result.output
    assert session.get(TotpFactor, admin.id) is None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "factor.reset"))
    assert (entry.actor_label, entry.entity_id) == ("system", admin.id)
    assert cli.invoke(args=["users", "reset-factors", "nobody@entente.test"]).exit_code != 0


def test_admin_chooses_the_roles_on_the_sign_in_security_page(make, session, as_admin):
    page = as_admin.get("/admin/security").get_data(as_text=True)
    assert "Require a second factor when signing in with a password" in page
    response = as_admin.post(
        "/admin/security",
        data={
            "password": ["editor"],
            "oidc": ["admin"],
            "csrf_token": csrf_from(as_admin, "/admin/security"),
        },
    )
    assert response.status_code == 302
    assert session.get(SecondFactorPolicy, "password").roles == "editor"
    assert session.get(SecondFactorPolicy, "oidc").roles == "admin"
    settings = as_admin.application.extensions["entente.settings"]
    assert factors.required_for(session, make.user(Role.EDITOR), "password", settings)
    assert not factors.required_for(session, make.user(Role.ADMIN), "password", settings)
    assert factors.required_for(session, make.user(Role.ADMIN), "oidc", settings)
    bad = as_admin.post(
        "/admin/security",
        data={"password": ["root"], "csrf_token": csrf_from(as_admin, "/admin/security")},
    )
    assert bad.status_code == 200
    assert "not a valid choice" in bad.get_data(as_text=True)


def test_without_a_saved_policy_the_settings_decide(session, make, app):
    settings = app.extensions["entente.settings"].replace(second_factor_roles=("viewer",))
    assert factors.required_for(session, make.user(Role.VIEWER), "password", settings)
    assert not factors.required_for(session, make.user(Role.VIEWER), "oidc", settings)


def test_api_sign_in_asks_for_the_second_factor(client, make, session, required):
    editor = make.user(Role.EDITOR)
    _with_app(session, editor)
    body = {"email": editor.email, "password": factories.PASSWORD}
    session.commit()  # a refused sign-in rolls the request's session back: keep the setup
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        refused = client.post("/api/v1/tokens", json=body)
        assert refused.status_code == 401
        assert refused.json["field"] == "code"
        granted = client.post(
            "/api/v1/tokens", json={**body, "code": _code_at(T0 + timedelta(minutes=2))}
        )
        assert granted.status_code == 201, granted.json


def test_a_user_removes_their_app_and_passkey_on_the_account_page(app, make, session):
    user = make.user(Role.VIEWER)
    _with_app(session, user)
    key = Passkey(user_id=user.id, credential_id=b"k1", public_key=b"p", name="Old key")
    session.add(key)
    session.flush()
    browser = sign_in(_client(app), user)
    page = browser.get("/account").get_data(as_text=True)
    assert "Old key" in page
    token = csrf_from(browser, "/account")
    assert (
        browser.post("/account/authenticator/remove", data={"csrf_token": token}).status_code == 302
    )
    assert (
        browser.post(f"/account/passkeys/{key.id}/remove", data={"csrf_token": token}).status_code
        == 302
    )
    assert not factors.has_second_factor(session, user)


def test_wrong_codes_are_limited_per_account_whatever_the_address(app, make, session, required):
    settings = app.extensions["entente.settings"]
    app.extensions["entente.settings"] = settings.replace(login_rate_limit="3 per minute")
    limiter.reset()
    try:
        editor = make.user(Role.EDITOR)
        _with_app(session, editor)
        session.commit()
        for n in range(3):
            client = _client(app)
            client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"
            _password(client, editor)
            assert _code(client, "000000").status_code == 401
        last = _client(app)
        last.environ_base["REMOTE_ADDR"] = "192.0.2.99"
        _password(last, editor)
        blocked = _code(last, "000000")
        assert blocked.status_code == 429
    finally:
        app.extensions["entente.settings"] = settings
        limiter.reset()
