"""A sign-in through the provider meets the second-factor policy for "oidc" sign-ins, and
the signed-in session still knows it came through the provider (for the provider's sign-out)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import factors
from app.auth.models import Role
from app.sso import services as sso
from tests.sso.conftest import through_provider
from tests.web.conftest import csrf_from

T0 = datetime(2027, 3, 1, 9, 0, 0, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _started(session):
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "session.started"))
    return [entry.changes for entry in entries]


def test_an_oidc_sign_in_asks_for_the_factor_the_policy_names(
    client, session, make, hostile, connect, admin
):
    editor = make.user(Role.EDITOR, email="editor@entente.test")
    factors.set_required_roles(session, admin, "oidc", ["editor"])
    with time_machine.travel(T0 - timedelta(minutes=5), tick=False):
        factors.enrol_totp(session, editor, SECRET, pyotp.TOTP(SECRET).now())
    connect()
    with time_machine.travel(T0, tick=True):
        response = through_provider(client)
        assert response.headers["Location"] == "/login/second-factor"
        assert client.get("/").status_code == 302  # not in before the factor
        wrong = client.post(
            "/login/second-factor",
            data={"code": "000000", "csrf_token": csrf_from(client, "/login")},
        )
        assert wrong.status_code == 401
        done = client.post(
            "/login/second-factor",
            data={"code": pyotp.TOTP(SECRET).at(T0), "csrf_token": csrf_from(client, "/login")},
        )
        assert done.headers["Location"] == "/"
        assert client.get("/").status_code == 200
        with client.session_transaction() as cookie:
            assert cookie.get(sso.SIGNED_IN_KEY) is True  # sign-out will offer the provider's
    assert _started(session)[-1] == {
        "method": "oidc",
        "factor": "totp",
        "browser": "Werkzeug",
    }
    refused = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "sign_in.second_factor_refused")
    )
    assert refused.changes == {"method": "oidc", "factor": "code"}


def test_without_a_policy_for_oidc_the_provider_alone_signs_in(client, session, make, connect):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    assert through_provider(client).headers["Location"] == "/"
    assert _started(session)[-1]["method"] == "oidc"
    assert _started(session)[-1]["factor"] is None
