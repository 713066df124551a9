"""Users and tokens over the API: admin only, sign-in rate-limited, secrets never logged."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
import time_machine
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import services as auth
from app.auth.models import ApiToken, User
from app.core import security
from app.extensions import limiter
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()


def test_only_admins_manage_users(admin, editor, anonymous):
    assert editor.get("/users").status_code == 403
    assert anonymous.get("/users").status_code == 401
    created = admin.post("/users", json={"email": "New@Entente.test", "role": "editor"})
    assert created.status_code == 201, created.get_json()
    user = created.get_json()
    assert user["email"] == "new@entente.test"
    assert "password" not in user
    demoted = admin.patch(f"/users/{user['id']}", json={"role": "viewer", "is_active": False})
    assert demoted.get_json()["role"] == "viewer"
    assert demoted.get_json()["is_active"] is False


def test_issued_token_works_until_revoked(admin, make, client):
    user = make.user("viewer")
    issued = admin.post(f"/users/{user.id}/tokens", json={"label": "integration"})
    assert issued.status_code == 201
    token = issued.get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/topics", headers=headers).status_code == 200
    assert admin.delete(f"/users/{user.id}/tokens").get_json() == {"revoked": 1}
    assert client.get("/api/v1/topics", headers=headers).status_code == 401


def test_a_new_password_revokes_tokens_got_with_the_old_one(make, client, session):
    """Whoever knew the old password may have traded it for a token: a reset ends that too."""
    user = make.user("viewer")
    got = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {got.get_json()['token']}"}
    assert client.get("/api/v1/topics", headers=headers).status_code == 200
    auth.set_password(session, None, user.id, "a brand new long password")
    session.flush()
    assert client.get("/api/v1/topics", headers=headers).status_code == 401
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None
    assert (entry.action, entry.changes) == ("user.password_set", {"tokens_revoked": 1})


def test_sign_in_for_a_token_and_wrong_password(make, client):
    user = make.user("editor")
    good = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert good.status_code == 201
    token = good.get_json()["token"]
    assert len(token) >= 43
    assert (
        client.get("/api/v1/meetings", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    wrong = client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong-one-x"})
    assert wrong.status_code == 401
    assert wrong.get_json()["code"] == "unauthorized"


def test_token_endpoint_is_rate_limited(make, client, app):
    user = make.user("viewer")
    limit = int(app.extensions["entente.settings"].api_sign_in_rate_limit.split()[0])
    answers = [
        client.post("/api/v1/tokens", json={"email": user.email, "password": "guess-guess"})
        for _ in range(limit + 2)
    ]
    assert [a.status_code for a in answers[:limit]] == [401] * limit
    assert answers[-1].status_code == 429
    assert answers[-1].get_json()["code"] == "too_many_requests"
    assert "Retry-After" in answers[-1].headers
    # Even the right password waits now.
    right = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert right.status_code == 429


def test_only_failed_token_sign_ins_count_and_the_429_says_when_to_try_again(make, client, app):
    user = make.user("viewer")
    limit = int(app.extensions["entente.settings"].api_sign_in_rate_limit.split()[0])
    good = {"email": user.email, "password": PASSWORD}
    for _ in range(limit + 1):
        assert client.post("/api/v1/tokens", json=good).status_code == 201
    for _ in range(limit):
        wrong = client.post("/api/v1/tokens", json={**good, "password": "guess-guess"})
        assert wrong.status_code == 401
    blocked = client.post("/api/v1/tokens", json=good)
    assert blocked.status_code == 429
    wait = int(blocked.headers["Retry-After"])
    assert 0 < wait <= 60
    body = blocked.get_json()
    assert body["code"] == "too_many_requests"
    assert body["message"].startswith("Too many failed sign-in attempts from your address")
    said = re.search(r"Try again in (\d+) seconds?\.$", body["message"])
    assert said is not None, body["message"]
    assert abs(int(said.group(1)) - wait) <= 1  # a second may pass between the two


@pytest.fixture
def verbose_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Everything at DEBUG, SQL statements with their parameters included (set up before the
    database connection, which reads the SQL log level when it opens)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    return caplog


def test_tokens_and_passwords_never_reach_the_logs(verbose_logs, make, client):
    caplog = verbose_logs
    user = make.user("admin")
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    token = response.get_json()["token"]
    client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"})
    client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}x"})
    client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD + "!"})
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    logged = "\n".join(
        [record.getMessage() for record in caplog.records]
        + [repr(record.args) for record in caplog.records]
    )
    assert any("api_tokens" in message for message in logged.splitlines()), "SQL not logged"
    assert any("refused" in record.getMessage() for record in caplog.records)
    assert token not in logged
    assert PASSWORD not in logged


def test_no_secret_reaches_the_audit_log(make, session, client):
    """Passwords, their hashes, API and feed tokens and their hashes: none in any entry."""
    admin = make.user("admin")
    token = client.post("/api/v1/tokens", json={"email": admin.email, "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
    new_password = "a brand new long password"
    created = client.post(
        "/api/v1/users",
        json={"email": "new@entente.test", "role": "viewer", "password": new_password},
        headers=bearer,
    ).get_json()
    issued = client.post(f"/api/v1/users/{created['id']}/tokens", json={}, headers=bearer)
    client.patch(f"/api/v1/users/{created['id']}", json={"role": "editor"}, headers=bearer)
    auth.set_password(session, admin, created["id"], new_password + "!")
    feed = client.post("/api/v1/subscriptions", json={"scope": "all"}, headers=bearer).get_json()
    rotated = client.post(
        f"/api/v1/subscriptions/{feed['subscription']['id']}/rotate", headers=bearer
    ).get_json()
    client.delete(f"/api/v1/users/{created['id']}/tokens", headers=bearer)
    secrets = [PASSWORD, new_password, token.get_json()["token"], issued.get_json()["token"]]
    secrets += [feed["url"].rsplit("/", 1)[1][:-4], rotated["url"].rsplit("/", 1)[1][:-4]]
    secrets += [security.hash_token(secret) for secret in secrets[2:]]
    secrets += [user.password_hash for user in session.scalars(select(User)) if user.password_hash]
    entries = session.scalars(select(AuditEntry)).all()
    logged = "\n".join(f"{e.summary} {json.dumps(e.changes)}" for e in entries)
    assert {"user.created", "token.issued", "feed.rotated"} <= {e.action for e in entries}
    assert [secret for secret in secrets if secret in logged] == []
    assert "argon2" not in logged


def test_token_use_is_recorded_to_the_minute(make, session, client):
    user = make.user("viewer")
    token = auth.issue_api_token(session, None, user.id, "clock", days=auth.MAX_TOKEN_DAYS)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    row = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    with time_machine.travel("2031-01-01 09:00:00+00:00", tick=False):
        assert client.get("/api/v1/topics", headers=headers).status_code == 200
        session.refresh(row)
        first = row.last_used_at
        assert first is not None
    with time_machine.travel("2031-01-01 09:00:30+00:00", tick=False):
        client.get("/api/v1/topics", headers=headers)
        session.refresh(row)
        assert row.last_used_at == first  # no write for every request
    with time_machine.travel("2031-01-01 09:02:00+00:00", tick=False):
        client.get("/api/v1/topics", headers=headers)
        session.refresh(row)
        assert row.last_used_at is not None
        assert row.last_used_at > first
