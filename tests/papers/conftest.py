"""Paper fixtures: a meeting with an item for all, a UK-only item, and papers under them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from app.agendas import papers
from app.agendas.models import AgendaItem, AgendaPaper, ItemVisibility
from app.auth.models import Role, User
from app.meetings.models import Meeting
from app.people.models import Side
from tests.api.conftest import api_as, editor, viewer  # noqa: F401  (API fixtures here too)
from tests.factories import Factory
from tests.notifications.conftest import mail_settings, smtp  # noqa: F401


@dataclass
class Papers:
    meeting: Meeting
    item: AgendaItem
    uk_item: AgendaItem
    paper: AgendaPaper  # under the item for all
    uk_paper: AgendaPaper  # under the item for all, but for the UK side only
    uk_item_paper: AgendaPaper  # under the UK-only item


def delegate(make: Factory, side: Side, role: Role = Role.EDITOR) -> User:
    """A user linked to one side's delegate: that side's items and papers only."""
    user = make.user(role)
    user.person_id = make.person(make.organisation(side)).id
    return user


@pytest.fixture
def tabled(make, session) -> Papers:
    meeting = make.meeting(
        title="Paper consultation",
        start=datetime(2027, 3, 16, 10, 0),
        end=datetime(2027, 3, 16, 16, 0),
        timezone="Europe/Brussels",
    )
    item = make.item(meeting, "Russia")
    uk_item = make.item(meeting, "Line to take", visibility="uk")
    paper = papers.add_paper(session, None, item.id, "ENT 12/26")
    uk_paper = papers.add_paper(session, None, item.id, "ENT 13/26")
    uk_paper.visibility = ItemVisibility.UK
    uk_item_paper = papers.add_paper(session, None, uk_item.id, "UK 1/27")
    session.flush()
    return Papers(meeting, item, uk_item, paper, uk_paper, uk_item_paper)
