"""Messages from an organiser (METHOD:REQUEST, CANCEL, or a plain calendar): Brussels'
invitations, handed to app.invitations.received_calendar (issue 14, part 3)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.inbound.models import InboundOutcome
from app.inbound.replies import Outcome
from app.inbound.screening import ITipObject, Refused
from app.invitations.received_calendar import receive_from_organiser
from app.invitations.received_parse import CalendarRefused


def from_organiser(session: Session, itip: ITipObject, now: datetime) -> Outcome:
    """A received invitation made, updated or cancelled; Refused (quarantine) otherwise."""
    try:
        summary = receive_from_organiser(
            session, itip.calendar, sender=itip.sender, received_at=now
        )
    except CalendarRefused as refused:
        raise Refused(refused.reason) from refused
    return Outcome(InboundOutcome.APPLIED, summary)
