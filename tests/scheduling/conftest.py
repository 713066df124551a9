"""A second app on its own freshly migrated database, for code that commits from several
threads (the scheduler), where one rolled-back test transaction cannot stand in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.conftest import make_settings
from tests.databases import fresh_database
from tests.notifications.smtp_server import Recorder, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def live_app(tmp_path: Path, app: Flask, smtp: tuple[Recorder, int]) -> Iterator[Flask]:
    with fresh_database(tmp_path) as url:
        application = create_app(
            make_settings(url, tmp_path / "instance", smtp_port=smtp[1], reminder_lead_days=(7, 2))
        )
        with application.app_context():
            upgrade()
        try:
            yield application
        finally:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()
