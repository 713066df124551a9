"""Fixtures: one migrated database per run, one rolled-back transaction per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy.orm import Session

from app import create_app
from app.extensions import db
from app.settings import Settings, load_settings
from tests import factories
from tests.databases import backend_name, fresh_database


def make_settings(database_url: str, instance: Path, **overrides: object) -> Settings:
    return load_settings(
        environ={},
        env="testing",
        database_url=database_url,
        instance_path=str(instance),
        **overrides,
    )


def pytest_report_header() -> str:
    return f"entente database backend: {backend_name()}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = create_app(make_settings(database_url, tmp_path_factory.mktemp("instance")))
    with application.app_context():
        upgrade()
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The database session every service, request and command in this test uses.

    Everything runs inside one outer transaction that is rolled back afterwards; commits made
    by views and commands only release SAVEPOINTs. Flask-SQLAlchemy picks the bind from
    `db.engines`, so the test connection stands in for the engine there.
    """
    engines = db.engines
    engine = engines[None]
    connection = engine.connect()
    outer = connection.begin()
    db.session.remove()
    engines[None] = connection  # type: ignore[index]
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    try:
        yield db.session()
    finally:
        db.session.remove()
        engines[None] = engine  # type: ignore[index]
        outer.rollback()
        connection.close()


class _FreshGlobalsClient(FlaskClient):
    """Requests here reuse the run's app context (so they share the test's db session); clear
    `g` before each one, as a real request would start with it empty (Flask-Login caches the
    user there and Flask-WTF the CSRF token)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask, session: Session) -> FlaskClient:
    app.test_client_class = _FreshGlobalsClient
    return app.test_client()


@pytest.fixture
def cli(app: Flask, session: Session) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make(session: Session) -> factories.Factory:
    return factories.Factory(session)
