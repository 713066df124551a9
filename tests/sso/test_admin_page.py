"""The admin page that connects the provider: saved, audited, the secret sealed and never
shown back or logged; settings (ENTENTE_OIDC_*) win for the connection when they name one."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.core import sealed
from app.settings import current_settings, load_settings
from app.sso import services as sso
from app.sso.models import SsoProvider
from tests.sso.conftest import policy
from tests.sso.hostile import CLIENT_ID, CLIENT_SECRET
from tests.web.conftest import csrf_from, sign_in

SECRET = "a-client-secret-nobody-may-read"


def form(hostile, **changes):
    data = {
        "enabled": "y",
        "name": "Defence ID",
        "discovery_url": hostile.issuer,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "role_claim": "groups",
        "group_roles": "entente-editors = editor\n\nentente-admins = Admin",
        "verified_claim": "email_verified",
        "default_role": "viewer",
        "password_off_roles": ["editor"],
    }
    data.update(changes)
    return data


@pytest.fixture
def as_admin(client, admin):
    return sign_in(client, admin)


def test_an_admin_connects_a_provider_from_the_page(as_admin, session, hostile, caplog):
    caplog.set_level(logging.DEBUG)
    page = as_admin.get("/admin/sso")
    assert page.status_code == 200
    token = csrf_from(as_admin, "/admin/sso")
    saved = as_admin.post("/admin/sso", data={**form(hostile), "csrf_token": token})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    row = session.get(SsoProvider, 1)
    assert row is not None
    assert row.discovery_url == f"{hostile.issuer}/.well-known/openid-configuration"
    assert row.group_roles == {"entente-editors": "editor", "entente-admins": "admin"}
    assert row.password_off_roles == "editor"
    # Sealed at rest, readable only with the app's secret key.
    assert SECRET not in row.client_secret_sealed
    assert sealed.unseal(current_settings().secret_key, row.client_secret_sealed) == SECRET
    with pytest.raises(sealed.Unreadable):
        sealed.unseal("another-secret-key", row.client_secret_sealed)
    # Never shown back, never on the audit log, never logged.
    shown = as_admin.get("/admin/sso").get_data(as_text=True)
    assert SECRET not in shown
    assert "A secret is stored" in shown
    assert "entente-editors = editor\nentente-admins = admin</textarea>" in shown
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "sso.provider_saved"))
    assert entry is not None
    assert entry.changes["client_secret"] == "replaced"
    assert SECRET not in str(entry.changes) + entry.summary
    assert SECRET not in caplog.text
    # The sign-in page offers it.
    as_admin.post("/logout", data={"csrf_token": csrf_from(as_admin, "/account")})
    assert "Sign in with Defence ID" in as_admin.get("/login").get_data(as_text=True)


def test_saving_again_without_a_secret_keeps_it(as_admin, session, hostile):
    token = csrf_from(as_admin, "/admin/sso")
    as_admin.post("/admin/sso", data={**form(hostile), "csrf_token": token})
    again = as_admin.post(
        "/admin/sso", data={**form(hostile, client_secret="", name="Renamed"), "csrf_token": token}
    )
    assert again.status_code == 302
    config = sso.active(session, current_settings())
    assert config is not None
    assert (config.name, config.connection.client_secret) == ("Renamed", SECRET)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"discovery_url": "http://idp.example.org"}, "discovery_url", "https://"),
        ({"discovery_url": "javascript:alert(1)"}, "discovery_url", "https://"),
        ({"client_id": ""}, "client_id", "required"),
        ({"client_secret": ""}, "client_secret", "Enter the client secret"),
        ({"group_roles": "editors"}, "group_roles", "group = role"),
        ({"group_roles": "editors = superuser"}, "group_roles", ""),
        ({"default_role": "root"}, "default_role", ""),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_saved(
    as_admin, session, hostile, changes, field, message
):
    token = csrf_from(as_admin, "/admin/sso")
    answer = as_admin.post("/admin/sso", data={**form(hostile, **changes), "csrf_token": token})
    assert answer.status_code in (200, 422)
    html = answer.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in html
    assert session.get(SsoProvider, 1) is None


def test_only_admins_reach_the_page(client, make):
    sign_in(client, make.user(Role.EDITOR))
    assert client.get("/admin/sso").status_code == 403


def test_without_a_provider_there_is_no_button_and_no_flow(client):
    assert "Sign in with" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404


def test_settings_win_for_the_connection(app, session, hostile, connect):
    """ENTENTE_OIDC_* name the provider: the page's connection is ignored, its policy kept."""
    connect(name="From the page", discovery_url="https://idp.example.org", group_roles="g = admin")
    settings = load_settings(
        environ={
            "ENTENTE_OIDC_NAME": "From settings",
            "ENTENTE_OIDC_DISCOVERY_URL": hostile.discovery_url,
            "ENTENTE_OIDC_CLIENT_ID": CLIENT_ID,
            "ENTENTE_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        },
        env="testing",
    )
    config = sso.active(session, settings)
    assert config is not None
    assert config.name == "From settings"
    assert config.connection.discovery_url == hostile.discovery_url
    assert config.connection.client_secret == CLIENT_SECRET
    assert dict(config.group_roles) == {"g": "admin"}
    assert CLIENT_SECRET not in repr(settings)
    # Saving the page then changes the policy only; no secret is asked for.
    sso.save(session, None, settings, policy(hostile, client_secret="", group_roles="h = editor"))
    row = session.get(SsoProvider, 1)
    assert row.discovery_url == "https://idp.example.org/.well-known/openid-configuration"
    assert row.group_roles == {"h": "editor"}
