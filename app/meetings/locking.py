"""One change at a time per meeting, so a check made before a change cannot race another."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.meetings.models import Meeting
from app.meetings.services import get_meeting


def lock_meeting(session: Session, meeting_id: int) -> Meeting:
    """Lock the meeting's row until the transaction ends (SELECT ... FOR UPDATE on PostgreSQL;
    SQLite write transactions already run one at a time, see app/core/sqlite.py).

    What the session read before the lock may have been changed by the change that held it:
    every loaded object is expired (pending changes are flushed by the locking query first),
    so a check after the lock compares with what is stored now, not with a stale copy.
    """
    locked = session.scalar(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())
    if locked is None:
        raise NotFound(
            _("No meeting with id %(meeting_id)s", meeting_id=meeting_id), field="meeting"
        )
    session.expire_all()
    return get_meeting(session, meeting_id)
