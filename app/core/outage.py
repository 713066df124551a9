"""A lost database is an incident, not an exception per request.

`is_unavailable` says whether an error means "the database cannot be reached or did not answer
in time" (connection refused, a dropped connection, a connect, statement or lock timeout, an
exhausted pool) as opposed to a bug. `Incident` logs such an outage once per process: one
warning when it starts, one info line (with how long it lasted and how many requests were
refused) when the first statement succeeds again.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

log = logging.getLogger("app.database")

# What a client is told to wait before trying again (seconds).
RETRY_AFTER_SECONDS = 30


# PostgreSQL SQLSTATE classes that mean "not now" rather than "wrong": connection exception,
# insufficient resources, operator intervention (which includes query_canceled, the statement
# timeout), system error; plus lock_not_available (the lock timeout).
_UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "53", "57", "58"})
_UNAVAILABLE_SQLSTATES = frozenset({"55P03"})
# SQLite's codes for the same (a missing table or bad SQL is also an OperationalError there).
_UNAVAILABLE_SQLITE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")


def is_unavailable(error: BaseException) -> bool:
    """True when the error says the database is unreachable, not that the query is wrong."""
    if isinstance(error, PoolTimeoutError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    cause: Any = error.orig
    if hasattr(cause, "sqlstate"):  # psycopg; None: failed on the client side (connection)
        state = cause.sqlstate
        return (
            state is None
            or state[:2] in _UNAVAILABLE_SQLSTATE_CLASSES
            or (state in _UNAVAILABLE_SQLSTATES)
        )
    if hasattr(cause, "sqlite_errorname"):
        return str(cause.sqlite_errorname).startswith(_UNAVAILABLE_SQLITE)
    return True


def describe(error: BaseException) -> str:
    """One line naming the cause, without the statement or its parameters."""
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first_line[:200]}"


class Incident:
    """This process's view of the database: up, or down since when, refusing how many."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.started: float | None = None
        self.refused = 0

    def refuse(self, error: BaseException) -> None:
        """A request is answered 503 because of `error`; the first one opens the incident."""
        with self._lock:
            self.refused += 1
            if self.started is not None:
                return
            self.started = time.monotonic()
            self.refused = 1
        log.warning("database unavailable (%s); answering 503 until it is back", describe(error))

    def recover(self) -> None:
        """A statement succeeded: close the incident if one is open."""
        if self.started is None:  # the usual case, without taking the lock
            return
        with self._lock:
            if self.started is None:
                return
            lasted = time.monotonic() - self.started
            refused, self.started, self.refused = self.refused, None, 0
        log.info(
            "database available again after %.1f s; %d request(s) were answered 503",
            lasted,
            refused,
        )


def watch_recovery(engine: Engine, incident: Incident) -> None:
    """Close `incident` on the first statement that succeeds on `engine`."""

    @event.listens_for(engine, "after_cursor_execute")
    def _succeeded(*_args: object) -> None:
        incident.recover()
