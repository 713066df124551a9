"""Smoke: the app as a user first meets it. A fresh database, migrated to head, the demo seeded
through its own command; then each demo role signs in through the real login form and loads
the dashboard, a meeting page, a private feed and the API's meeting list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app
from app.auth import services as auth
from app.auth.models import User
from app.cli import DEMO_PASSWORD
from app.core import clock
from app.demo import DEMO_USERS
from app.extensions import db
from app.feeds import services as feeds
from app.meetings.models import Meeting
from tests.conftest import make_settings
from tests.databases import fresh_database
from tests.web.conftest import csrf_from

CONSULTATION = "UK–EU strategic consultation"


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "scheduler": {"last_seen": None, "alive": False},
    }


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Its own app on its own fresh database, migrated and seeded as an operator would."""
    directory = tmp_path_factory.mktemp("smoke")
    with fresh_database(directory) as url:
        application = create_app(make_settings(url, directory))
        with application.app_context():
            upgrade()
            result = application.test_cli_runner().invoke(args=["seed-demo"])
            assert result.exit_code == 0, result.output
            assert "Demo data ready" in result.output
            db.session.remove()
        yield application  # requests run in their own contexts, as in production
        with application.app_context():
            db.engine.dispose()


def _sign_in(client: FlaskClient, email: str) -> None:
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_from(client, "/login"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.mark.parametrize("email", [email for email, _role, _name in DEMO_USERS])
def test_each_demo_role_signs_in_and_sees_the_app(demo_app: Flask, email: str) -> None:
    name = next(name for address, _role, name in DEMO_USERS if address == email)
    with demo_app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        meeting = session.scalar(
            select(Meeting)
            .where(Meeting.title.like(f"{CONSULTATION}%"), Meeting.start_utc >= clock.now())
            .order_by(Meeting.start_utc)
        )
        assert meeting is not None
        meeting_id, meeting_uid = meeting.id, meeting.uid
        _subscription, feed_token = feeds.create_subscription(session, user, "all", label="smoke")
        api_token = auth.issue_api_token(session, user, user.id, label="smoke")
        session.commit()
        db.session.remove()

    client = demo_app.test_client()
    _sign_in(client, email)

    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert name in dashboard.get_data(as_text=True)

    page = client.get(f"/meetings/{meeting_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert CONSULTATION in html
    assert "Lancaster House" in html or "EEAS Headquarters" in html

    feed = client.get(f"/feeds/{feed_token}.ics")
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR")
    assert f"UID:{meeting_uid}" in body

    listing = client.get("/api/v1/meetings", headers={"Authorization": f"Bearer {api_token}"})
    assert listing.status_code == 200
    payload = listing.get_json()
    assert payload["total"] > 0
    assert any(item["title"].startswith(CONSULTATION) for item in payload["items"])
