"""Time bounds on PostgreSQL, so that a stuck database costs a request seconds, not a worker.

On the server: `statement_timeout` (and `lock_timeout`) cancel a slow statement with a clean
error. In libpq: `connect_timeout` bounds the connection handshake, TCP keepalives and
`tcp_user_timeout` notice a peer that vanished from the network. Neither helps when the server
is alive at the TCP level but does not answer (a paused or swapping machine, a SIGSTOPped
postmaster): the kernel still acknowledges every packet, the server's own timer never runs,
and psycopg waits on the socket for ever. So a watchdog thread also bounds every statement,
ping, commit and rollback from the client side: past its deadline it shuts the connection's
socket down, the driver reports "server closed the connection", and SQLAlchemy discards the
connection like any other dropped one.

The pool's checkout ping is done here too (instead of `pool_pre_ping`), under the watchdog.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

WATCH_INTERVAL = 0.1  # seconds between the watchdog's looks at its deadlines
_USED = "entente.checked_out_before"


@dataclass(frozen=True)
class Bounds:
    """Seconds; 0 means no bound."""

    connect: int
    statement: int
    lock: int

    @property
    def client_statement(self) -> float:
        """The client-side bound: the server's own timeout plus the handshake's, so that a live
        server always answers first with its clean "canceling statement" error."""
        return float(self.statement + max(self.connect, 1)) if self.statement else 0.0

    @property
    def ping(self) -> float:
        return float(max(self.connect, 1))


def connect_args(bounds: Bounds) -> dict[str, Any]:
    """libpq parameters for `create_engine(connect_args=...)`."""
    args: dict[str, Any] = {
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }
    if bounds.connect:
        args["connect_timeout"] = bounds.connect
    options = []
    if bounds.statement:
        options.append(f"-c statement_timeout={bounds.statement * 1000}")
        args["tcp_user_timeout"] = int(bounds.client_statement * 1000)
    if bounds.lock:
        options.append(f"-c lock_timeout={bounds.lock * 1000}")
    if options:
        args["options"] = " ".join(options)
    return args


class Watchdog:
    """Deadlines per DBAPI connection; one daemon thread, running only while any is set."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deadlines: dict[int, tuple[float, Any]] = {}
        self._thread: threading.Thread | None = None
        self.severed = 0

    def guard(self, dbapi_connection: Any, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self._deadlines[id(dbapi_connection)] = (time.monotonic() + seconds, dbapi_connection)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="entente-db-watchdog", daemon=True
                )
                self._thread.start()

    def release(self, dbapi_connection: Any) -> None:
        with self._lock:
            self._deadlines.pop(id(dbapi_connection), None)

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            now = time.monotonic()
            with self._lock:
                if not self._deadlines:
                    self._thread = None
                    return
                late = [c for key, (at, c) in list(self._deadlines.items()) if at <= now]
                for dbapi_connection in late:
                    del self._deadlines[id(dbapi_connection)]
            for dbapi_connection in late:
                if _sever(dbapi_connection):
                    self.severed += 1


def _sever(dbapi_connection: Any) -> bool:
    """Shut the connection's socket down so that a read blocked on it returns at once."""
    try:
        if dbapi_connection.closed:
            return False
        fd = dbapi_connection.pgconn.socket
        sock = socket.socket(fileno=os.dup(fd))
    except Exception:  # closed meanwhile: nothing to cut
        return False
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return False
    finally:
        sock.close()
    return True


def install_postgresql_bounds(engine: Engine, bounds: Bounds) -> Watchdog | None:
    """Bound every round trip on `engine` (PostgreSQL only) and ping connections on checkout."""
    if engine.dialect.name != "postgresql":
        return None
    watchdog = Watchdog()
    statement = bounds.client_statement

    def _dbapi(connection: Any) -> Any:
        return connection.connection.dbapi_connection

    @event.listens_for(engine, "before_cursor_execute")
    def _before(connection: Any, *_args: Any) -> None:
        watchdog.guard(_dbapi(connection), statement)

    @event.listens_for(engine, "after_cursor_execute")
    def _after(connection: Any, *_args: Any) -> None:
        watchdog.release(_dbapi(connection))

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ending(connection: Any) -> None:
        # released on checkin, or replaced by the next statement's deadline
        if not connection.invalidated:
            watchdog.guard(_dbapi(connection), statement)

    @event.listens_for(engine, "handle_error")
    def _failed(context: Any) -> None:
        with contextlib.suppress(Exception):  # invalidated: the connection is gone anyway
            watchdog.release(_dbapi(context.connection))

    @event.listens_for(engine.pool, "reset")
    def _reset(dbapi_connection: Any, *_args: Any) -> None:
        watchdog.guard(dbapi_connection, statement)

    @event.listens_for(engine.pool, "checkin")
    def _checkin(dbapi_connection: Any, _record: Any) -> None:
        if dbapi_connection is not None:
            watchdog.release(dbapi_connection)

    @event.listens_for(engine.pool, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        """A bounded ping of a pooled connection; a dead one is replaced (a fresh one is not
        pinged: it has just answered the handshake)."""
        if not record.info.get(_USED):
            record.info[_USED] = True
            return
        watchdog.guard(dbapi_connection, bounds.ping)
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError(f"ping failed: {error}") from error
        finally:
            watchdog.release(dbapi_connection)

    return watchdog
