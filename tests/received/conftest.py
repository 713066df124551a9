from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import icalendar
import pytest
import time_machine
from sqlalchemy.orm import Session

from app.invitations.received_calendar import receive_from_organiser
from app.people.models import Organisation, Side
from tests.api.conftest import api_as  # noqa: F401  (API clients by role)
from tests.factories import Factory
from tests.notifications.conftest import mail_settings, smtp  # noqa: F401  (aiosmtpd on loopback)
from tests.received.messages import SENDER

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
Receive = Callable[..., str]


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def uk(make: Factory) -> Organisation:
    return make.organisation(Side.UK, code="UK-FCDO")


@pytest.fixture
def receive(session: Session, uk: Organisation, frozen: None) -> Receive:
    """Apply a calendar (bytes) as the pipeline does, from `sender`, received now."""

    def apply(calendar: bytes, sender: str = SENDER) -> str:
        parsed = icalendar.Calendar.from_ical(calendar)
        return receive_from_organiser(session, parsed, sender=sender, received_at=NOW)

    return apply
