"""Edit conflicts on forms with an optimistic-lock version: one answer for every such form.

Someone else saved between the form being shown and submitted. The form comes back with
409, the record as it is now, what changed since, and the current version in its hidden
field (the user's input kept), so that submitting it again goes through.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session
from wtforms import Field

from app.audit import services as audit
from app.web.conflicts import CONFLICT_STATUS, Conflict
from app.web.forms import int_or_none

__all__ = ["CONFLICT_STATUS", "Conflict", "conflict"]

MAX_CHANGES_SHOWN = 5


class Versioned(Protocol):
    version: int


def conflict(
    session: Session,
    message: str,
    version_field: Field,
    record: Versioned,
    entity_type: str,
    entity_id: int,
) -> Conflict:
    """Roll the failed change back and bring `version_field` up to `record`'s version.

    `record` is read again after the rollback, so the page shows it as it is now."""
    session.rollback()
    yours = int_or_none(version_field.data)
    current = record.version
    version_field.data = str(current)
    count = current - yours if yours is not None and current > yours else 1
    changes = audit.history_of(
        session, {entity_type: [entity_id]}, limit=min(count, MAX_CHANGES_SHOWN)
    )
    return Conflict(message, changes)
