"""A restricted meeting and the people around it, for the need-to-know tests (web, API, rule).

The meeting's details are words that appear nowhere else, so a test can look for them in any
page or JSON body: whoever may not read the meeting must find none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.agendas import versions
from app.auth.models import Role, User
from app.core import clock
from app.invitations.models import Invitation
from app.meetings.delegations import add_participant
from app.meetings.models import Access, Meeting
from app.people.models import Person, Side
from tests.factories import Factory

TITLE = "Nightjar strategic talks"
# In the titles, description, venue and agenda of the restricted meetings, and nowhere else.
SECRETS = ("Nightjar", "Kestrel Room")
# The series the dashboard and the planning page look at by default.
SERIES = "strategic-consultations"


@dataclass
class Scenario:
    meeting: Meeting  # restricted, in the consultation series, agenda circulated, invited to
    uncirculated: Meeting  # restricted too, soon, agenda not yet circulated (agendas due)
    internal: Meeting  # an internal meeting at the same time, with the same delegate
    invitation: Invitation
    delegate: Person
    outsider: User  # a viewer linked to no one
    insider: User  # a viewer linked to a delegate of the restricted meeting
    invitee: User  # a viewer linked to the person invited, who is not a delegate
    editor: User

    @property
    def start(self) -> datetime:
        return self.meeting.start_utc


def build(session: Session, make: Factory) -> Scenario:
    start = (clock.now() + timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
    times = {"start": start, "end": start + timedelta(hours=2), "timezone": "UTC"}
    series = make.series(slug=SERIES)
    delegate = make.person(make.organisation(Side.UK), full_name="Priya Delegate")
    invited = make.person(make.organisation(Side.EU), full_name="Ivan Invited")
    meeting = make.meeting(
        title=TITLE,
        venue="Kestrel Room",
        description="Lines on Nightjar",
        access=Access.RESTRICTED,
        series=series.id,
        topics=["russia"],
        **times,
    )
    add_participant(session, None, meeting.id, delegate.id)
    make.item(meeting, "Nightjar opening item")
    versions.circulate(session, None, meeting.id)
    invitation = make.invitation(
        meeting,
        invitee_id=invited.organisation_id,
        inviter_id=delegate.organisation_id,
        invitee_person_id=invited.id,
        reply_deadline=clock.now() + timedelta(days=2),
    )
    uncirculated = make.meeting(title="Nightjar follow-up", access=Access.RESTRICTED, **times)
    internal = make.meeting(title="Open partnership meeting", **times)
    add_participant(session, None, internal.id, delegate.id)
    insider, invitee = make.user(Role.VIEWER), make.user(Role.VIEWER)
    insider.person_id, invitee.person_id = delegate.id, invited.id
    scenario = Scenario(
        meeting=meeting,
        uncirculated=uncirculated,
        internal=internal,
        invitation=invitation,
        delegate=delegate,
        outsider=make.user(Role.VIEWER),
        insider=insider,
        invitee=invitee,
        editor=make.user(Role.EDITOR),
    )
    session.commit()  # a 404 rolls the request's session back: keep the setup
    return scenario


def leaks(text: str) -> list[str]:
    """The restricted meetings' details found in `text`."""
    return [secret for secret in SECRETS if secret in text]
