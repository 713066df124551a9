"""Signed-in readers and API writers at the same instant, over real HTTP on one database:
"last seen" is written (at most once a minute, after a GET, in its own short transaction)
without a single 5xx, neither for the readers nor for the writers.

Writing it inside every request's transaction is what once turned concurrent writes on SQLite
into "database is locked" 503s; this test makes every reader's write due at once.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.auth import services as auth
from app.auth.models import Role, UserSession
from app.core import clock
from app.extensions import db
from tests.concurrency.test_simultaneous_creates import _Browser, _csrf
from tests.factories import PASSWORD
from tests.live import LiveServer, live_server

READERS = 8
WRITERS = 10


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("last-seen")) as live:
        yield live


def test_last_seen_is_written_beside_concurrent_writes_without_errors(server: LiveServer) -> None:
    with server.app.app_context():
        emails = [f"reader{n}@last-seen.test" for n in range(READERS)]
        for email in emails:
            auth.create_user(db.session(), None, email, Role.VIEWER, password=PASSWORD)
        writer = auth.create_user(db.session(), None, "writer@last-seen.test", Role.EDITOR)
        token = auth.issue_api_token(db.session(), None, writer.id, "writes")
        db.session.commit()
        db.session.remove()

    start = clock.now()
    with time_machine.travel(start, tick=True) as traveller:
        readers = []
        for email in emails:
            browser = _Browser(server)
            page = browser.send("GET", "/login")
            form = {"email": email, "password": PASSWORD, "csrf_token": _csrf(page)}
            browser.send("POST", "/login", form)
            readers.append(browser)
        traveller.shift(timedelta(minutes=2))  # every reader's "last seen" is now due

        gate = threading.Barrier(READERS + WRITERS)
        answers: list[tuple[str, int]] = []

        def read(browser: _Browser) -> None:
            gate.wait()
            status, _ = browser.exchange("GET", "/account")
            answers.append(("read", status))

        def write(n: int) -> None:
            gate.wait()
            response = server.request(
                "POST",
                "/api/v1/topics",
                {"slug": f"last-seen-{n}", "name": f"Last seen {n}"},
                headers={"Authorization": f"Bearer {token}"},
            )
            answers.append(("write", response.status))

        threads = [threading.Thread(target=read, args=(b,)) for b in readers]
        threads += [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    counts = Counter(answers)
    print(f"\nreaders and writers at once: {dict(counts)}")
    assert counts == {("read", 200): READERS, ("write", 201): WRITERS}
    with server.app.app_context():
        seen = db.session.scalars(select(UserSession.last_seen_at)).all()
        db.session.remove()
    assert len(seen) == READERS
    assert all(moment >= start + timedelta(minutes=2) for moment in seen)
