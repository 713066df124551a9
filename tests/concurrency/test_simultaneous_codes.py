"""One authenticator code sent twice at the same instant, over real HTTP: the factor's row is
locked while the code is checked, so exactly one sign-in gets a token and the other is
refused as a used code (never both, never a 500)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from app.auth import factors
from app.auth import services as auth
from app.auth.models import Role
from app.extensions import db
from tests.factories import PASSWORD
from tests.live import Answer, LiveServer, live_server

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ROUNDS = 4


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live"), api_sign_in_rate_limit="1000/minute") as live:
        yield live


def _editor_with_an_app(server: LiveServer, email: str) -> str:
    """An editor who must give a code, enrolled now; the next step's code, not used yet."""
    now = datetime.now(UTC)
    with server.app.app_context():
        session = db.session()
        admin = auth.create_user(session, None, f"admin-{email}", Role.ADMIN)
        factors.set_required_roles(session, admin, "password", ["editor", "admin"])
        editor = auth.create_user(session, None, email, Role.EDITOR, password=PASSWORD)
        factors.enrol_totp(session, editor, SECRET, pyotp.TOTP(SECRET).at(now))
        session.commit()
        db.session.remove()
    return pyotp.TOTP(SECRET).at(now + timedelta(seconds=30))


def _race(server: LiveServer, body: dict[str, str]) -> list[Answer]:
    start = threading.Barrier(2)
    answers: list[Answer] = []

    def sign_in() -> None:
        start.wait()
        answers.append(server.request("POST", "/api/v1/tokens", body))

    threads = [threading.Thread(target=sign_in) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_one_code_sent_twice_at_once_signs_in_once(server: LiveServer) -> None:
    for round_ in range(ROUNDS):
        email = f"editor{round_}@entente.test"
        code = _editor_with_an_app(server, email)
        answers = _race(server, {"email": email, "password": PASSWORD, "code": code})
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [201, 401], [(a.status, a.body) for a in answers]
        refused = next(answer for answer in answers if answer.status == 401)
        assert refused.body["field"] == "code"
