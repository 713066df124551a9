"""One agenda edit at a time per meeting, so a version check cannot race another edit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.meetings.locking import lock_meeting
from app.meetings.models import Meeting


def lock_agenda(session: Session, meeting_id: int) -> Meeting:
    """Lock the meeting's row until the transaction ends: see `lock_meeting`."""
    return lock_meeting(session, meeting_id)
