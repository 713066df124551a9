"""Messages from an organiser (METHOD:REQUEST, CANCEL, or a plain calendar): Brussels'
invitations, handed to app.invitations.received_calendar (issue 14, part 3).

Until that module is on main they are quarantined. At the merge the body becomes:

    try:
        summary = receive_from_organiser(session, itip.calendar, sender=itip.sender,
                                         received_at=now)
    except CalendarRefused as refused:
        raise Refused(refused.reason) from refused
    return Outcome(InboundOutcome.APPLIED, summary)
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.inbound.replies import Outcome
from app.inbound.screening import ITipObject, Refused


def from_organiser(session: Session, itip: ITipObject, now: datetime) -> Outcome:
    raise Refused(_("Organiser messages not yet supported"))  # LEAD: switch at the i14b merge
