"""SQLite writers queue instead of failing; PostgreSQL connections killed under the app heal."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from app.core.sqlite import install_sqlite_pragmas, write_intent
from app.extensions import db
from tests.databases import backend_name
from tests.live import live_server


def _sqlite_engine(path: Path):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})
    install_sqlite_pragmas(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    return engine


def _read_then_write(engine, pause: float, errors: list[Exception]) -> None:  # type: ignore[no-untyped-def]
    try:
        with engine.begin() as connection:
            n = connection.execute(text("SELECT n FROM counter")).scalar_one()
            time.sleep(pause)
            connection.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
    except OperationalError as error:
        errors.append(error)


def _race(engine, *, immediate: bool) -> list[Exception]:  # type: ignore[no-untyped-def]
    errors: list[Exception] = []

    def worker() -> None:
        if immediate:
            with write_intent():
                _read_then_write(engine, 0.2, errors)
        else:
            _read_then_write(engine, 0.2, errors)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_sqlite_write_transactions_wait_for_each_other(tmp_path: Path) -> None:
    engine = _sqlite_engine(tmp_path / "queue.sqlite3")
    assert engine.connect().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    started = time.perf_counter()
    assert _race(engine, immediate=True) == []
    assert time.perf_counter() - started >= 0.9  # five 0.2 s writers, one after another
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 5
    engine.dispose()


def test_sqlite_deferred_read_then_write_fails_without_begin_immediate(tmp_path: Path) -> None:
    """Why write requests use BEGIN IMMEDIATE: a reader that upgrades to a writer after someone
    else committed gets "database is locked" at once, busy timeout or not."""
    engine = _sqlite_engine(tmp_path / "deferred.sqlite3")
    errors = _race(engine, immediate=False)
    assert errors
    assert all("locked" in str(error) for error in errors)
    engine.dispose()


@pytest.mark.skipif(backend_name() != "postgresql", reason="PostgreSQL only")
def test_app_recovers_after_its_postgresql_connections_are_killed(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:

        def health() -> list[int]:
            return [server.request("GET", "/healthz").status for _ in range(8)]

        assert health() == [200] * 8
        with server.app.app_context():
            engine = db.engine
            name = engine.url.database
        admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            killed = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            ).scalar_one()
        admin.dispose()
        assert killed >= 1
        assert health() == [200] * 8
        body = server.request("GET", "/healthz").body
        assert (body["status"], body["database"]) == ("ok", "ok")
