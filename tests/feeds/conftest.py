"""Helpers for feed tests: subscribe a user, fetch a feed over HTTP, read it back."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import icalendar
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.auth.models import Role, User
from app.feeds import services as feeds
from app.feeds.cache import forget_memory
from app.meetings.models import Meeting
from app.meetings.services import input_from, update_meeting
from tests.factories import Factory
from tests.feeds.readers import Seen, read_feed


@dataclass
class Fetched:
    status: int
    body: bytes
    headers: dict[str, str]
    events: list[Seen]

    @property
    def calendar(self) -> icalendar.Calendar:
        return icalendar.Calendar.from_ical(self.body)

    def vevents(self) -> list[icalendar.Event]:
        return list(self.calendar.walk("VEVENT"))

    def event(self, uid: str) -> icalendar.Event:
        found = [e for e in self.vevents() if str(e["uid"]) == uid]
        assert len(found) == 1, f"{uid} appears {len(found)} times"
        return found[0]

    def uids(self) -> set[str]:
        return {e.uid for e in self.events}


class FeedHelper:
    def __init__(self, session: Session, client: FlaskClient, make: Factory) -> None:
        self.session = session
        self.client = client
        self.make = make

    def subscribe(
        self,
        user: User | None = None,
        scope: str = "all",
        label: str = "",
        *,
        all_history: bool = False,
    ) -> tuple[User, str]:
        user = user or self.make.user(Role.EDITOR)
        kind, ref = feeds.parse_scope(scope)
        _subscription, token = feeds.create_subscription(
            self.session, user, kind, ref, label, all_history=all_history
        )
        self.session.commit()  # as the view does; a 404 later rolls back only what follows
        return user, f"/feeds/{token}.ics"

    def get(self, path: str, **headers: str) -> Fetched:
        """GET a feed; every 200 body is read by all the independent readers."""
        response = self.client.get(path, headers=headers)
        events: list[Seen] = []
        if response.status_code == 200 and response.headers.get("Content-Encoding") != "gzip":
            events = read_feed(response.data)
        return Fetched(response.status_code, response.data, dict(response.headers), events)


@pytest.fixture(autouse=True)
def _fresh_event_memory() -> None:
    """Each test starts with an empty in-process event tier (the table tier rolls back)."""
    forget_memory()


@pytest.fixture
def feed(session: Session, client: FlaskClient, make: Factory) -> FeedHelper:
    return FeedHelper(session, client, make)


def edit(session: Session, meeting: Meeting, **changes: object) -> Meeting:
    """Edit a meeting through the meetings service and commit, as the edit form does."""
    data = dataclasses.replace(input_from(meeting), **changes)  # type: ignore[arg-type]
    result = update_meeting(session, None, meeting.id, data).meeting
    session.commit()
    return result
