"""A database that freezes or stops under a running app (issue 12, items 3 and 4).

Each test starts its own PostgreSQL (Debian's binaries, a temporary data directory, a free
port on 127.0.0.1), never touching the shared server, and a real threaded server in front of
the app. Freezing is SIGSTOP of the postmaster and its backends: the kernel still acknowledges
every packet, so only the app's client-side bound can end a request. The figures the tests
measure are printed (pytest -s shows them).
"""

from __future__ import annotations

import http.client
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import make_settings
from tests.databases import backend_name

PG_BIN = Path("/usr/lib/postgresql/15/bin")
RUN_AS = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="PostgreSQL 15 binaries missing"),
    pytest.mark.skipif(
        bool(RUN_AS) and shutil.which("runuser") is None, reason="root without runuser"
    ),
    pytest.mark.skipif(
        backend_name() != "postgresql", reason="runs once, in the suite's PostgreSQL run"
    ),
]

# Bounds small enough for a test; the defaults (5 s, 15 s) scale these figures up.
CONNECT, STATEMENT = 2, 3
# Longest a request may take while the database is frozen: a checkout ping (CONNECT) plus a
# fresh connection attempt (CONNECT), or one statement's client bound (STATEMENT + CONNECT).
WORST = STATEMENT + CONNECT + 2


@dataclass
class Postgres:
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/entente"

    def pids(self) -> list[int]:
        """The postmaster and all its children (backends, checkpointer, ...)."""
        postmaster = int((self.directory / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(postmaster)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def signal_all(self, signum: int) -> None:
        for pid in self.pids():
            os.kill(pid, signum)

    def stop(self) -> None:
        _pg("pg_ctl", "-D", str(self.directory), "-m", "immediate", "-w", "stop")


def _pg(*command: str) -> None:
    subprocess.run(
        [*RUN_AS, str(PG_BIN / command[0]), *command[1:]], check=True, capture_output=True
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def own_postgres() -> Iterator[Postgres]:
    root = Path(tempfile.mkdtemp(prefix="entente-pg-"))
    directory = root / "data"
    if RUN_AS:
        shutil.chown(root, user="postgres")
    server = Postgres(directory, _free_port())
    _pg("initdb", "-D", str(directory), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    _pg("pg_ctl", "-D", str(directory), "-o", options, "-l", str(root / "log"), "-w", "start")
    try:
        admin = create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/postgres",
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE entente"))
        admin.dispose()
        yield server
    finally:
        with suppress_errors():
            server.signal_all(signal.SIGCONT)
        with suppress_errors():
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def suppress_errors() -> Iterator[None]:
    with suppress(OSError, subprocess.CalledProcessError, ValueError):
        yield


@dataclass
class Reply:
    status: int
    retry_after: str | None
    kind: str
    seconds: float


class Client:
    """http.client against the live server, with the session cookie of the sign-in form."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""

    def send(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ) -> tuple[Reply, str]:
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            all_headers = {"Cookie": self.cookie, **(headers or {})}
            connection.request(method, path, body=body or None, headers=all_headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            cookie = response.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
            kind = (response.getheader("Content-Type") or "").split(";")[0]
            reply = Reply(response.status, response.getheader("Retry-After"), kind, 0.0)
        finally:
            connection.close()
        reply.seconds = time.monotonic() - started
        return reply, content

    def four(self) -> dict[str, Reply]:
        """The same four doors: health, API, a feed, a page that reads the database (the
        sign-in page asks whether a single sign-on provider is connected)."""
        return {
            "healthz": self.send("GET", "/healthz")[0],
            "api": self.send("GET", "/api/v1/meetings", headers={"Authorization": "Bearer x"})[0],
            "feed": self.send("GET", "/feeds/public.ics")[0],
            "page": self.send("GET", "/login")[0],
        }


# a token the database refuses; pages and feeds it answered
HEALTHY = {"healthz": 200, "api": 401, "feed": 200, "page": 200}


@contextmanager
def live_app(server: Postgres, instance: Path) -> Iterator[tuple[Flask, Client]]:
    app = create_app(
        make_settings(
            server.url,
            instance,
            database_connect_timeout=CONNECT,
            database_statement_timeout=STATEMENT,
        )
    )
    with app.app_context():
        upgrade()
        db.session.remove()
    http_server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http_server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, Client(http_server.server_port)
    finally:
        http_server.shutdown()
        thread.join(timeout=10)
        http_server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _until(check: Callable[[], bool], limit: float) -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < limit, f"not within {limit} s"
        time.sleep(0.1)
    return time.monotonic() - started


def _statuses(replies: dict[str, Reply]) -> dict[str, int]:
    return {door: reply.status for door, reply in replies.items()}


def _assert_unavailable(replies: dict[str, Reply]) -> None:
    assert _statuses(replies) == dict.fromkeys(HEALTHY, 503)
    assert all(reply.retry_after and int(reply.retry_after) > 0 for reply in replies.values())
    kinds = {door: reply.kind for door, reply in replies.items()}
    assert kinds == {
        "healthz": "application/json",
        "api": "application/json",
        "feed": "text/plain",
        "page": "text/html",
    }
    assert max(reply.seconds for reply in replies.values()) < WORST


def _app_log(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name != "werkzeug"]


def test_a_frozen_database_gives_503_within_seconds_and_recovers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with own_postgres() as server, live_app(server, tmp_path / "instance") as (_app, client):
        assert _statuses(client.four()) == HEALTHY  # the pool now holds live connections

        server.signal_all(signal.SIGSTOP)
        frozen = time.monotonic()
        first = client.send("GET", "/healthz")[0]
        to_first_503 = time.monotonic() - frozen
        assert first.status == 503
        assert first.retry_after
        assert to_first_503 < WORST
        frozen_replies = client.four()
        _assert_unavailable(frozen_replies)

        server.signal_all(signal.SIGCONT)
        to_recover = _until(lambda: client.send("GET", "/healthz")[0].status == 200, 15)
        assert _statuses(client.four()) == HEALTHY

    records = _app_log(caplog)
    print(
        f"\nfrozen: first 503 after {to_first_503:.2f} s; "
        + ", ".join(f"{d} {r.status} in {r.seconds:.2f} s" for d, r in frozen_replies.items())
        + f"; healthy {to_recover:.2f} s after SIGCONT; app log lines: {len(records)}"
    )
    assert not [record for record in records if record.exc_info]
    assert not [record for record in records if record.levelno >= logging.ERROR]
    database = [record for record in records if record.name == "app.database"]
    assert [(r.levelno, r.getMessage().split(" (")[0].split(" after")[0]) for r in database] == [
        (logging.WARNING, "database unavailable"),
        (logging.INFO, "database available again"),
    ]


def test_a_stopped_database_gives_503_everywhere_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with own_postgres() as server, live_app(server, tmp_path / "instance") as (_app, client):
        assert _statuses(client.four()) == HEALTHY
        server.stop()
        stopped = time.monotonic()
        rounds = [client.four() for _ in range(5)]
        elapsed = time.monotonic() - stopped
        for replies in rounds:
            _assert_unavailable(replies)

    records = _app_log(caplog)
    print(f"\nstopped: 20 requests, all 503, in {elapsed:.2f} s; app log lines: {len(records)}")
    assert not [record for record in records if record.exc_info]
    database = [record for record in records if record.name == "app.database"]
    assert [(r.levelno, r.getMessage().split(" (")[0]) for r in database] == [
        (logging.WARNING, "database unavailable")
    ]
    assert not [record for record in records if record.levelno >= logging.ERROR]
