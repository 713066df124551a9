"""Who comes in and as what: just-in-time accounts, the group -> role map applied at every
sign-in, and password sign-in switched off per role or for everyone (page and API)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import services as auth
from app.auth.models import Role, User
from tests import factories
from tests.sso.conftest import through_provider
from tests.web.conftest import csrf_from

GROUPS = "entente-editors = editor\nentente-admins = admin\nentente-readers = viewer"


def user_named(session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def test_just_in_time_creates_the_account_with_the_default_role(client, session, hostile, connect):
    connect(just_in_time=True, default_role="editor")
    hostile.claims = {"email": "New.Person@Entente.test", "name": "New Person"}
    assert through_provider(client).status_code == 302
    user = user_named(session, "new.person@entente.test")
    assert user is not None
    assert (user.role, user.name, user.password_hash) == (Role.EDITOR, "New Person", None)
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == user.id))
    assert {"user.created", "sso.account_created"} <= set(actions)
    assert client.get("/").status_code == 200


def test_without_just_in_time_no_account_is_created(client, session, hostile, connect):
    connect(just_in_time=False)
    hostile.claims = {"email": "new.person@entente.test"}
    assert through_provider(client).status_code == 403
    assert user_named(session, "new.person@entente.test") is None


def test_just_in_time_still_needs_a_verified_address(client, session, hostile, connect):
    connect(just_in_time=True)
    hostile.claims = {"email": "new.person@entente.test", "email_verified": "false"}
    assert through_provider(client).status_code == 403
    assert user_named(session, "new.person@entente.test") is None


def test_a_configured_verified_claim_is_the_one_read(client, session, make, hostile, connect):
    """Entra ID says "xms_edov" where others say "email_verified"."""
    make.user(Role.VIEWER, email="editor@entente.test")
    connect(verified_claim="xms_edov")
    hostile.claims = {"email_verified": None, "xms_edov": True}
    assert through_provider(client).status_code == 302


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["entente-editors"], Role.EDITOR),
        (["entente-readers", "entente-admins"], Role.ADMIN),  # the highest wins
        ("entente-editors", Role.EDITOR),  # one group as a string
        (["payroll"], Role.VIEWER),  # in no mapped group: the default role
        ([], Role.VIEWER),
    ],
)
def test_the_group_map_sets_the_role_at_each_sign_in(
    client, session, make, hostile, connect, groups, role
):
    user = make.user(Role.EDITOR, email="editor@entente.test")
    connect(group_roles=GROUPS, default_role="viewer")
    hostile.claims = {"groups": groups}
    assert through_provider(client).status_code == 302
    session.refresh(user)
    assert user.role is role
    assert client.get("/").status_code == 200


def test_a_role_taken_away_at_the_provider_is_taken_away_here(
    client, session, make, hostile, connect
):
    user = make.user(Role.VIEWER, email="editor@entente.test")
    connect(group_roles=GROUPS)
    hostile.claims = {"groups": ["entente-admins"]}
    through_provider(client)
    session.refresh(user)
    assert user.role is Role.ADMIN
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    hostile.claims = {"groups": ["entente-readers"]}
    through_provider(client)
    session.refresh(user)
    assert user.role is Role.VIEWER
    assert client.get("/admin/users").status_code == 403


def test_without_a_group_map_roles_stay_ententes(client, session, make, hostile, connect):
    user = make.user(Role.EDITOR, email="editor@entente.test")
    connect(group_roles="")
    hostile.claims = {"groups": ["entente-readers"]}
    through_provider(client)
    session.refresh(user)
    assert user.role is Role.EDITOR


def test_the_last_administrator_is_not_demoted_by_the_provider(
    client, session, admin, hostile, connect
):
    connect(group_roles=GROUPS)
    hostile.claims = {"email": admin.email, "groups": ["entente-readers"]}
    assert through_provider(client).status_code == 302
    session.refresh(admin)
    assert admin.role is Role.ADMIN
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "sso.role_kept"))


def _password_sign_in(client, email: str, token: str | None = None):
    token = token or csrf_from(client, "/login")
    return client.post(
        "/login", data={"email": email, "password": factories.PASSWORD, "csrf_token": token}
    )


def test_password_sign_in_off_for_one_role(client, session, make, connect):
    editor = make.user(Role.EDITOR)
    viewer = make.user(Role.VIEWER)
    connect(password_off_roles=("editor",))
    refused = _password_sign_in(client, editor.email)
    assert refused.status_code == 403
    assert "Password sign-in is off for your account: sign in with Hostile ID" in refused.get_data(
        as_text=True
    )
    assert client.get("/").status_code == 302  # not signed in
    assert _password_sign_in(client, viewer.email).status_code == 302


def test_password_sign_in_off_for_everyone_hides_the_form(client, session, make, connect):
    token = csrf_from(client, "/login")  # taken while the form was there
    connect(password_off_roles=("viewer", "editor", "admin"))
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Hostile ID" in page
    assert 'name="password"' not in page
    viewer = make.user(Role.VIEWER)
    assert _password_sign_in(client, viewer.email, token).status_code == 403


def test_the_login_page_offers_both_when_passwords_are_allowed(client, connect):
    connect()
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Hostile ID" in page
    assert 'name="password"' in page


def test_switching_the_provider_off_lets_passwords_back_in(client, session, make, admin, connect):
    editor = make.user(Role.EDITOR)
    connect(password_off_roles=("viewer", "editor", "admin"))
    connect(enabled=False, password_off_roles=("viewer", "editor", "admin"))
    assert "Sign in with" not in client.get("/login").get_data(as_text=True)
    assert _password_sign_in(client, editor.email).status_code == 302


def test_the_api_refuses_a_token_for_a_password_when_it_is_off(client, session, make, connect):
    editor = make.user(Role.EDITOR)
    connect(password_off_roles=("editor",))
    answer = client.post(
        "/api/v1/tokens", json={"email": editor.email, "password": factories.PASSWORD}
    )
    assert answer.status_code == 403
    assert answer.get_json()["code"] == "forbidden"
    assert not editor.tokens


def test_the_cli_switches_password_sign_in_back_on(cli, session, make, admin, connect):
    editor = make.user(Role.EDITOR)
    connect(password_off_roles=("viewer", "editor", "admin"))
    result = cli.invoke(args=["sso", "password-sign-in-on"])
    assert result.exit_code == 0, result.output
    assert "Password sign-in is on again for every role" in result.output
    assert auth.authenticate(session, editor.email, factories.PASSWORD) is not None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "sso.password_sign_in_on"))
    assert entry is not None


def test_an_account_stays_with_the_subject_it_first_came_in_with(
    client, cli, session, make, hostile, connect
):
    """The provider hands the address to someone else (a new subject): refused, until an
    operator unbinds the account."""
    user = make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    assert through_provider(client).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    hostile.claims = {"sub": "someone-new"}
    refused = through_provider(client)
    assert refused.status_code == 403
    assert "not the one this Entente account was first used with" in refused.get_data(as_text=True)
    result = cli.invoke(args=["sso", "forget", user.email])
    assert result.exit_code == 0, result.output
    assert "no longer bound" in result.output
    assert through_provider(client).status_code == 302
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == user.id)))
    assert {"sso.subject_bound", "sso.subject_forgotten"} <= actions


def test_a_subject_bound_to_one_account_cannot_sign_in_to_another(
    client, session, make, hostile, connect
):
    """The person's address changed at the provider to another account's: refused."""
    make.user(Role.EDITOR, email="editor@entente.test")
    make.user(Role.ADMIN, email="boss@entente.test")
    connect()
    assert through_provider(client).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    hostile.claims = {"email": "boss@entente.test"}  # same subject-1
    assert through_provider(client).status_code == 403
    assert client.get("/admin/users").status_code == 302  # not signed in as the admin


def test_just_in_time_creates_nothing_for_a_subject_already_bound(
    client, session, make, hostile, connect
):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect(just_in_time=True)
    through_provider(client)
    client.post("/logout", data={"csrf_token": csrf_from(client, "/account")})
    hostile.claims = {"email": "renamed@entente.test"}
    assert through_provider(client).status_code == 403
    assert user_named(session, "renamed@entente.test") is None
