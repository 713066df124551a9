"""SQLite connection settings: foreign keys on, WAL journal, a busy timeout, real transactions.

Write transactions start with BEGIN IMMEDIATE (see `write_intent`). In WAL mode a transaction
that began as a reader and later writes fails at once with "database is locked" when another
connection committed in between (its snapshot is stale, so waiting cannot help, and the busy
timeout is not applied). Taking the write lock at BEGIN instead makes concurrent writers queue
for up to the busy timeout and then read fresh data, so a stale edit is refused by its version
check rather than failing with a 500. Readers are never blocked (WAL).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine, event

BUSY_TIMEOUT_MS = 30_000
_write_intent: ContextVar[bool] = ContextVar("entente_sqlite_write_intent", default=False)


def set_write_intent(value: bool) -> object:
    """Mark the current context (a request, a command) as one that will write; returns a
    token for `reset_write_intent`."""
    return _write_intent.set(value)


def reset_write_intent(token: object) -> None:
    _write_intent.reset(token)  # type: ignore[arg-type]


@contextmanager
def write_intent() -> Iterator[None]:
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def install_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, begin transactions, so SAVEPOINTs work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")
