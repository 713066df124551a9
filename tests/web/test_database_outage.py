"""A database that cannot be reached is a 503 with Retry-After everywhere, logged once per
outage rather than as a traceback per request (issue 12, item 3).

The app here points at a PostgreSQL port where nothing listens (connection refused), so these
tests need no database server and run the same on either backend.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.core.outage import is_unavailable
from app.extensions import db
from tests.conftest import make_settings
from tests.databases import backend_name


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


@pytest.fixture
def cut_off(tmp_path: Path) -> Iterator[Flask]:
    url = f"postgresql://entente@127.0.0.1:{_closed_port()}/entente"
    app = create_app(make_settings(url, tmp_path / "instance"))
    yield app
    with app.app_context():
        db.engine.dispose()


def _assert_503(response, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert int(response.headers["Retry-After"]) > 0
    assert response.mimetype == kind


def test_api_answers_503_in_the_house_shape(cut_off: Flask) -> None:
    response = cut_off.test_client().get(
        "/api/v1/meetings", headers={"Authorization": "Bearer not-checked-yet"}
    )
    _assert_503(response, "application/json")
    assert response.json is not None
    assert response.json["code"] == "service_unavailable"
    assert response.json["field"] is None
    assert "database" in response.json["message"]


def test_feed_answers_plain_503_that_calendar_clients_retry(cut_off: Flask) -> None:
    response = cut_off.test_client().get("/feeds/a-token-of-the-right-length-to-look-up.ics")
    _assert_503(response, "text/plain")
    assert response.headers["Cache-Control"] == "no-store"


def test_page_answers_a_short_503_page_without_the_database(cut_off: Flask) -> None:
    # The sign-in page itself reads the database (is a single sign-on provider connected?).
    response = cut_off.test_client().get("/login")
    _assert_503(response, "text/html")
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True)


def test_healthz_answers_503_with_retry_after(cut_off: Flask) -> None:
    response = cut_off.test_client().get("/healthz")
    _assert_503(response, "application/json")
    assert response.json is not None
    assert response.json["database"] == "unavailable"


def test_an_outage_is_logged_once_not_per_request(
    cut_off: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = cut_off.test_client()
    caplog.set_level(logging.INFO)
    api = {"Authorization": "Bearer x"}
    for _ in range(5):
        assert client.get("/feeds/a-token-of-the-right-length-to-look-up.ics").status_code == 503
        assert client.get("/api/v1/meetings", headers=api).status_code == 503
    assert not [record for record in caplog.records if record.exc_info]
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.getMessage().split(" (")[0] for record in warnings] == ["database unavailable"]


def test_an_error_that_is_not_an_outage_is_not_hidden_behind_a_503(tmp_path: Path) -> None:
    """A wrong query is a bug (a 500, and in tests an exception), even where the driver calls
    it an OperationalError as SQLite does for a missing table."""
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path / "i"))
    with pytest.raises(OperationalError, match="no such table"):
        app.test_client().get("/feeds/public.ics")
    with app.app_context():
        db.engine.dispose()


@pytest.mark.skipif(backend_name() != "postgresql", reason="PostgreSQL's statement timeout")
def test_the_statement_timeout_ends_a_slow_statement_as_an_outage(
    database_url: str, tmp_path: Path
) -> None:
    app = create_app(make_settings(database_url, tmp_path / "i", database_statement_timeout=1))
    started = time.monotonic()
    with app.app_context():
        with pytest.raises(OperationalError, match="statement timeout") as raised:
            db.session.execute(text("SELECT pg_sleep(10)"))
        db.session.rollback()
        assert db.session.execute(text("SHOW lock_timeout")).scalar_one() == "10s"
        db.session.remove()
        db.engine.dispose()
    assert time.monotonic() - started < 5
    assert is_unavailable(raised.value)
