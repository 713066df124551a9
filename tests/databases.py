"""Throw-away databases for the suite: an SQLite file, or a fresh PostgreSQL database.

Set ENTENTE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test to run on PostgreSQL;
each run creates its own database on that server and drops it at the end, so runs never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from app.settings import _normalise_url

TEST_URL_VARIABLE = "ENTENTE_TEST_DATABASE_URL"


def server_url() -> str | None:
    url = os.environ.get(TEST_URL_VARIABLE, "").strip()
    return _normalise_url(url) if url else None


def backend_name() -> str:
    url = server_url()
    return make_url(url).get_backend_name() if url else "sqlite"


@contextmanager
def fresh_database(directory: Path) -> Iterator[str]:
    """A URL to an empty database that is removed afterwards."""
    url = server_url()
    if url is None:
        yield f"sqlite:///{directory / f'entente-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    base = make_url(url)
    name = f"entente_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
