from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app.settings import Settings
from tests.notifications.smtp_server import Recorder, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def mail_settings(app: Flask, smtp: tuple[Recorder, int]) -> Settings:
    """The app's settings pointed at the loopback SMTP server."""
    settings: Settings = app.extensions["entente.settings"]
    return settings.replace(smtp_port=smtp[1], reminder_lead_days=(7, 2))
