"""Accounts: the system always keeps an active administrator; disabling revokes API tokens."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth import services as auth
from app.auth.models import Role, User
from app.core.errors import InvalidTransition
from tests.api.conftest import Api
from tests.helpers import unchanged
from tests.web.conftest import csrf_from, sign_in


def active_admins(session) -> int:
    query = select(func.count()).where(User.role == Role.ADMIN, User.is_active.is_(True))
    return session.scalar(query) or 0


@pytest.fixture
def only_admin(make, session) -> User:
    """The one active administrator of the system (any left by the fixtures are demoted)."""
    for user in session.scalars(select(User).where(User.role == Role.ADMIN)):
        user.role = Role.VIEWER
    user = make.user(Role.ADMIN)
    session.flush()
    return user


def test_the_only_administrator_cannot_demote_themselves_over_the_api(client, session, only_admin):
    api = Api(client, auth.issue_api_token(session, None, only_admin.id, "test"))
    for change in ({"role": "editor"}, {"role": "viewer"}, {"is_active": False}):
        with unchanged(session):
            answer = api.patch(f"/users/{only_admin.id}", json=change)
        assert answer.status_code in (409, 422), answer.get_json()
        body = answer.get_json()
        assert body["field"] == next(iter(change))
        if "role" in change:
            assert answer.status_code == 409
            assert "only active administrator" in body["message"]
        session.refresh(only_admin)
        assert (only_admin.role, only_admin.is_active) == (Role.ADMIN, True)


def test_the_only_administrator_cannot_demote_themselves_in_the_ui(client, session, only_admin):
    sign_in(client, only_admin)
    page = f"/admin/users/{only_admin.id}"
    with unchanged(session):
        answer = client.post(page, data={"role": "viewer", "csrf_token": csrf_from(client, page)})
    assert answer.status_code == 409
    assert "only active administrator" in answer.get_data(as_text=True)
    with unchanged(session):
        disabled = client.post(f"{page}/active", data={"csrf_token": csrf_from(client, page)})
    assert disabled.status_code == 422
    assert "You cannot disable your own account" in disabled.get_data(as_text=True)
    session.refresh(only_admin)
    assert (only_admin.role, only_admin.is_active) == (Role.ADMIN, True)


def test_nor_can_any_caller_of_the_service(make, session, only_admin):
    """The rule is in the service: the CLI (actor None) and other admins' requests meet it too."""
    with pytest.raises(InvalidTransition, match="only active administrator"):
        auth.set_role(session, None, only_admin.id, Role.EDITOR)
    with pytest.raises(InvalidTransition, match="only active administrator"):
        auth.set_active(session, None, only_admin.id, False)
    assert active_admins(session) == 1


def test_with_a_second_administrator_either_may_step_down(make, client, session, only_admin):
    second = make.user(Role.ADMIN)
    api = Api(client, auth.issue_api_token(session, None, only_admin.id, "test"))
    answer = api.patch(f"/users/{only_admin.id}", json={"role": "editor"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["role"] == "editor"
    # Now `second` is the only one, and an admin cannot disable them either.
    with pytest.raises(InvalidTransition):
        auth.set_active(session, None, second.id, False)
    assert active_admins(session) == 1


def test_a_disabled_administrator_does_not_count(make, session, only_admin):
    other = make.user(Role.ADMIN)
    auth.set_active(session, only_admin, other.id, False)
    with pytest.raises(InvalidTransition):
        auth.set_role(session, None, only_admin.id, Role.VIEWER)
    auth.set_active(session, only_admin, other.id, True)  # enabling them again is fine
    auth.set_role(session, None, only_admin.id, Role.VIEWER)
    assert active_admins(session) == 1


def test_disabling_revokes_api_tokens_so_enabling_does_not_bring_them_back(make, client, session):
    user = make.user(Role.VIEWER)
    token = auth.issue_api_token(session, None, user.id, "laptop")
    auth.issue_api_token(session, None, user.id, "phone")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/topics", headers=headers).status_code == 200
    auth.set_active(session, None, user.id, False)
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.action, entry.changes) == ("user.disabled", {"tokens_revoked": 2})
    assert "2 API token(s) revoked" in entry.summary
    auth.set_active(session, None, user.id, True)
    assert client.get("/api/v1/topics", headers=headers).status_code == 401


ROLES = ["admin", "editor", "viewer"]
# Bounded for CI, like the form fuzz: a fixed set of examples, each a few requests.
ADMIN_SEQUENCES = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STEP = st.tuples(
    st.sampled_from(["api", "ui"]),
    st.integers(0, 2),  # who acts
    st.integers(0, 2),  # on whom (themselves included)
    st.sampled_from([*ROLES, "disable", "enable"]),
)


@given(
    others=st.tuples(st.sampled_from(ROLES), st.sampled_from(ROLES)),
    steps=st.lists(STEP, min_size=1, max_size=5),
)
@ADMIN_SEQUENCES
def test_no_sequence_of_user_admin_actions_leaves_no_active_administrator(
    app, client, make, session, others, steps
):
    for user in session.scalars(select(User).where(User.role == Role.ADMIN)):
        user.role = Role.VIEWER  # those of earlier examples: this one starts with one admin
    users = [make.user(Role.ADMIN), make.user(others[0]), make.user(others[1])]
    session.commit()  # so that a refused request's rollback keeps them
    for via, actor_at, target_at, change in steps:
        actor, target = users[actor_at], users[target_at]
        session.refresh(actor)
        session.refresh(target)
        if not actor.has_role(Role.ADMIN):
            continue  # refused with 401/403: tested with the routes
        if via == "api":
            token = auth.issue_api_token(session, None, actor.id, "test")
            session.commit()
            body = {"role": change} if change in ROLES else {"is_active": change == "enable"}
            answer = Api(client, token).patch(f"/users/{target.id}", json=body)
        else:
            browser = sign_in(app.test_client(), actor)
            page = f"/admin/users/{target.id}"
            if change in ROLES:
                data = {"role": change, "csrf_token": csrf_from(browser, page)}
                answer = browser.post(page, data=data)
            elif (change == "disable") == target.is_active:  # the page's button toggles
                data = {"csrf_token": csrf_from(browser, page)}
                answer = browser.post(f"{page}/active", data=data)
            else:
                continue
        assert answer.status_code in (200, 302, 409, 422), (via, change, answer.status_code)
        assert active_admins(session) >= 1, (via, actor_at, target_at, change)
