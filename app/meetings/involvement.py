"""Which meetings involve an organisation: one rule for the list pages, the API and the feeds.

A meeting involves an organisation when the organisation hosts it, when someone from it is in
the delegation (a `Participant` whose person belongs to it), or when an invitation goes to or
comes from it. Like app.meetings.access.readable it is a SQL condition on `Meeting`, so
every caller adds it to its own query and none re-states it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, or_

from app.invitations.models import Invitation
from app.meetings.models import Meeting, Participant
from app.people.models import Person


def involves_organisation(organisation_id: Any) -> ColumnElement[bool]:
    """Meetings the organisation (an id, or a scalar subquery giving one) is involved in."""
    return or_(
        Meeting.host_organisation_id == organisation_id,
        exists()
        .where(
            Participant.meeting_id == Meeting.id,
            Person.id == Participant.person_id,
            Person.organisation_id == organisation_id,
        )
        .correlate(Meeting),
        exists()
        .where(
            Invitation.meeting_id == Meeting.id,
            or_(Invitation.invitee_id == organisation_id, Invitation.inviter_id == organisation_id),
        )
        .correlate(Meeting),
    )
