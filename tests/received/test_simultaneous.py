"""Two copies of one REQUEST (different Message-IDs) applied at the same moment by two
fetchers, on their own connections: one meeting, one received invitation, and the loser gets
an ignore or a clear refusal (to the quarantine, to release later), never a database error."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime

import icalendar
import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from app import create_app
from app.core import clock
from app.core.sqlite import write_intent
from app.extensions import db
from app.invitations.models import ReceivedInvitation
from app.invitations.received_calendar import CalendarRefused, receive_from_organiser
from app.meetings import catalogue
from app.meetings.models import Meeting
from app.people import services as people
from app.people.models import Side
from tests.conftest import make_settings
from tests.databases import fresh_database
from tests.received.messages import SENDER, outlook_calendar

REQUEST = outlook_calendar(start=datetime(2027, 10, 31, 10), end=datetime(2027, 10, 31, 13))


@pytest.fixture(params=["new organiser", "known organiser"])
def own_app(tmp_path, request) -> Iterator[Flask]:
    """An app on a database of its own: the two fetchers commit for real. The race is on the
    organiser's organisation (created by the first message) or on the UID itself."""
    (tmp_path / "db").mkdir()
    with fresh_database(tmp_path / "db") as url:
        application = create_app(make_settings(url, tmp_path / "instance"))
        with application.app_context():
            upgrade()
            session = db.session()
            catalogue.ensure_default_kinds(session)
            people.create_organisation(session, None, "UK-FCDO", "FCDO", Side.UK)
            if request.param == "known organiser":
                people.create_organisation(session, None, "EU-EEAS", "EEAS", Side.EU)
            session.commit()
            db.session.remove()
        yield application
        with application.app_context():
            db.engine.dispose()


def test_two_copies_at_once_make_one_meeting(own_app):
    outcomes: list[str] = []
    first_flushed, second_started = threading.Event(), threading.Event()

    def fetcher(first: bool) -> None:
        with own_app.app_context(), write_intent():
            session = db.session()
            if not first:
                first_flushed.wait(10)
                second_started.set()
            try:
                calendar = icalendar.Calendar.from_ical(REQUEST)
                outcomes.append(
                    receive_from_organiser(
                        session, calendar, sender=SENDER, received_at=clock.now()
                    )
                )
                if first:
                    first_flushed.set()
                    second_started.wait(10)
                    time.sleep(0.5)  # the second is now waiting on the first's row
                session.commit()
            except CalendarRefused as refused:
                session.rollback()
                outcomes.append(f"refused: {refused.reason}")
            except Exception as error:  # reported by the assertions below
                session.rollback()
                outcomes.append(f"error: {error!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=fetcher, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(outcomes) == 2
    assert outcomes[0].startswith("Received invitation")
    assert outcomes[1].startswith(("Ignored", "refused: Another message"))
    with own_app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).select_from(ReceivedInvitation)) == 1
        assert session.scalar(select(func.count()).select_from(Meeting)) == 1
        db.session.remove()
