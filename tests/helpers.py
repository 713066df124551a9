"""Assertions shared by tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import app.models as models
from app.core.errors import EntenteError

TABLES = [
    models.AuditEntry,
    models.Meeting,
    models.TopicArea,
    models.Invitation,
    models.Participant,
    models.AgendaItem,
    models.Organisation,
    models.Person,
    models.User,
    models.MeetingSeries,
]


def row_counts(session: Session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in TABLES
    }


@contextmanager
def unchanged(session: Session) -> Iterator[None]:
    """The block must leave every table as it found it (rows and audit log)."""
    session.flush()
    before = row_counts(session)
    yield
    assert row_counts(session) == before


def meeting_form(**overrides: object) -> dict[str, object]:
    """A valid "Create a meeting" form (a Brussels working group in March 2027), with overrides."""
    data: dict[str, object] = {
        "title": "Western Balkans working group",
        "kind": "working-group",
        "start_date": "2027-03-10",
        "start_time": "10:00",
        "end_date": "",
        "end_time": "12:00",
        "timezone": "Europe/Brussels",
        "venue": "EEAS",
        "host_city": "Brussels",
        "status": "tentative",
        "marking": "OFFICIAL",
        "access": "internal",
        "topics": ["western-balkans"],
        "series": "",
        "planned_half": "",
        "chair_id": "",
        "host_organisation_id": "",
        "language": "en",
        "description": "",
    }
    data.update(overrides)
    return data


def call_in_savepoint(session: Session, function: Any, *args: Any, **kwargs: Any) -> Any:
    """A service call (as the system) in its own savepoint: a refused call leaves nothing
    behind and returns None."""
    nested = session.begin_nested()
    try:
        result = function(session, None, *args, **kwargs)
    except EntenteError:
        nested.rollback()
        return None
    nested.commit()
    return result
