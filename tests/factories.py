"""Test data through the real services, with sensible defaults and unique names."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.agendas.models import AgendaItem
from app.agendas.services import AgendaItemInput, add_item
from app.auth import services as auth
from app.auth.models import Role, User
from app.invitations.models import Invitation
from app.invitations.services import InvitationInput, issue_invitation
from app.meetings import catalogue
from app.meetings.models import Meeting, MeetingSeries
from app.meetings.services import MeetingInput, create_meeting
from app.people import services as people
from app.people.models import Organisation, Person, Side
from app.topics import services as topics
from app.topics.models import TopicArea

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session
        catalogue.ensure_default_kinds(session)
        topics.ensure_default_topics(session)

    def topic(self, slug: str | None = None, name: str | None = None) -> TopicArea:
        n = next(_counter)
        return topics.create_topic(self.session, None, slug or f"topic-{n}", name or f"Topic {n}")

    def organisation(self, side: Side = Side.UK, code: str | None = None) -> Organisation:
        n = next(_counter)
        return people.create_organisation(
            self.session, None, code or f"{side.value.upper()}-ORG{n}", f"Organisation {n}", side
        )

    def person(self, organisation: Organisation | None = None, **kwargs: Any) -> Person:
        n = next(_counter)
        organisation = organisation or self.organisation()
        return people.create_person(
            self.session, None, kwargs.pop("full_name", f"Person {n}"), organisation.id, **kwargs
        )

    def user(self, role: Role | str = Role.VIEWER, email: str | None = None) -> User:
        n = next(_counter)
        return auth.create_user(
            self.session, None, email or f"user{n}@entente.test", role, password=PASSWORD
        )

    def meeting_input(self, **overrides: Any) -> MeetingInput:
        values: dict[str, Any] = {
            "title": f"Meeting {next(_counter)}",
            "kind": "strategic-consultation",
            "start": datetime(2027, 3, 16, 10, 0),
            "end": datetime(2027, 3, 16, 13, 0),
            "timezone": "Europe/London",
            "venue": "Lancaster House",
            "host_city": "London",
            "topics": ["russia"],
        }
        values.update(overrides)
        return MeetingInput(**values)

    def meeting(self, **overrides: Any) -> Meeting:
        return create_meeting(self.session, None, self.meeting_input(**overrides)).meeting

    def stored_as(self, row: Any, **fields: Any) -> Any:
        """Write fields straight to a row, past the services' validation: text saved before a
        rule existed (line breaks in a title), for tests of what readers do with old rows."""
        for name, value in fields.items():
            setattr(row, name, value)
        self.session.flush()
        return row

    def series(
        self, slug: str = "consultations", hosts: tuple[str, ...] = ("London", "Brussels")
    ) -> MeetingSeries:
        return catalogue.create_series(
            self.session,
            None,
            slug,
            "Strategic consultations",
            "strategic-consultation",
            cadence_months=6,
            host_rotation=hosts,
        )

    def item(
        self, meeting: Meeting, title: str = "Item", parent: AgendaItem | None = None, **kwargs: Any
    ) -> AgendaItem:
        return add_item(
            self.session,
            None,
            meeting.id,
            AgendaItemInput(title=title, **kwargs),
            parent_id=parent.id if parent else None,
        )

    def invitation(self, meeting: Meeting | None = None, **overrides: Any) -> Invitation:
        meeting = meeting or self.meeting()
        values: dict[str, Any] = {"meeting_id": meeting.id, **overrides}
        if "inviter_id" not in values:
            values["inviter_id"] = self.organisation(Side.EU).id
        if "invitee_id" not in values:
            values["invitee_id"] = self.organisation(Side.UK).id
        return issue_invitation(self.session, None, InvitationInput(**values))
