"""Assertions shared by tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import app.models as models

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
