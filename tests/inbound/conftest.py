from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.core import clock
from app.feeds.stamp import current_stamp
from app.inbound.models import InboundMessage, InboundSource
from app.inbound.services import Incoming, process_batch
from app.invitations.models import Invitation
from app.meetings.models import Meeting
from app.people.models import Side
from app.settings import Settings
from tests.factories import Factory
from tests.inbound.imap_server import ImapServer, imap_server

ALLOWED = ("uk.example", "eu.example")
DEADLINE = datetime(2027, 4, 20, 17, 0, tzinfo=UTC)


@pytest.fixture
def inbound_settings(app: Flask) -> Settings:
    settings: Settings = app.extensions["entente.settings"]
    return settings.replace(inbound_imap_allowed_sender_domains=ALLOWED)


@dataclass
class Invited:
    meeting: Meeting
    invitation: Invitation
    address: str


@pytest.fixture
def invited(make: Factory) -> Invited:
    return invite(make, "jane.doe@uk.example")


def invite(make: Factory, address: str, meeting: Meeting | None = None) -> Invited:
    meeting = meeting or make.meeting(
        start=datetime(2027, 5, 4, 10, 0), end=datetime(2027, 5, 4, 12, 0)
    )
    organisation = make.organisation(Side.UK)
    person = make.person(organisation, email=address)
    invitation = make.invitation(
        meeting,
        invitee_id=organisation.id,
        invitee_person_id=person.id,
        reply_deadline=DEADLINE,
    )
    return Invited(meeting, invitation, address)


def process(session: Session, settings: Settings, *raws: bytes) -> list[InboundMessage]:
    return process_batch(
        session,
        settings,
        [Incoming(raw, len(raw)) for raw in raws],
        source=InboundSource.UPLOAD,
        now=clock.now(),
    )


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with imap_server() as server:
        yield server


def seq(session: Session, invited: Invited) -> int:
    """The SEQUENCE an invitation e-mail sent now would carry (the feeds' own)."""
    return current_stamp(session, invited.meeting).sequence
