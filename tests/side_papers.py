"""A meeting whose joint items carry papers for one side only, for the side-leak tests.

Each side's own words appear in its papers (and in one side-only item) and nowhere else, so a
test can look for the other side's words in any page, document, JSON body or e-mail: a
delegate of one side must find none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.agendas import papers, versions
from app.agendas.models import AgendaItem, AgendaPaper
from app.auth.models import Role, User
from app.meetings.delegations import add_participant
from app.meetings.models import Meeting
from app.people.models import Person, Side
from tests.factories import Factory

# Words found only in what the UK side may read, and only in what the EU side may read.
UK_WORDS = ("Kingfisher", "UKO 7/27")
EU_WORDS = ("Heron", "EUO 9/27")


@dataclass
class SidePapers:
    meeting: Meeting
    joint: AgendaItem  # for both sides, with a paper for each side and a joint one
    uk_paper: AgendaPaper
    eu_paper: AgendaPaper
    joint_paper: AgendaPaper
    uk_delegate: Person
    eu_delegate: Person
    uk_editor: User  # editors linked to one side's delegate
    eu_editor: User
    eu_viewer: User
    secretariat: User  # an editor linked to no one: reads both sides


def build(session: Session, make: Factory, *, circulate: bool = True) -> SidePapers:
    meeting = make.meeting(
        title="Side papers consultation",
        start=datetime(2027, 3, 16, 10),
        end=datetime(2027, 3, 16, 13),
        timezone="Europe/London",
    )
    joint = make.item(meeting, "Joint discussion", duration_minutes=30)
    make.item(meeting, "Kingfisher UK-only item", duration_minutes=10, visibility="uk")
    make.item(meeting, "Heron EU-only item", duration_minutes=10, visibility="eu")
    joint_paper = papers.add_paper(session, None, joint.id, "ENT 1/27", title="Shared note")
    uk_paper = _side_paper(session, joint, "UKO 7/27", "Kingfisher brief", "uk")
    eu_paper = _side_paper(session, joint, "EUO 9/27", "Heron brief", "eu")
    uk_delegate = make.person(make.organisation(Side.UK), full_name="Una Kingdom")
    eu_delegate = make.person(make.organisation(Side.EU), full_name="Eva Union")
    eu_reader = make.person(eu_delegate.organisation, full_name="Emil Union")
    for person in (uk_delegate, eu_delegate, eu_reader):
        add_participant(session, None, meeting.id, person.id)
    scenario = SidePapers(
        meeting=meeting,
        joint=joint,
        uk_paper=uk_paper,
        eu_paper=eu_paper,
        joint_paper=joint_paper,
        uk_delegate=uk_delegate,
        eu_delegate=eu_delegate,
        uk_editor=_linked(make, Role.EDITOR, uk_delegate),
        eu_editor=_linked(make, Role.EDITOR, eu_delegate),
        eu_viewer=_linked(make, Role.VIEWER, eu_reader),
        secretariat=make.user(Role.EDITOR),
    )
    if circulate:
        versions.circulate(session, None, meeting.id)
    session.flush()
    return scenario


def _side_paper(
    session: Session, item: AgendaItem, reference: str, title: str, side: str
) -> AgendaPaper:
    paper = papers.add_paper(session, None, item.id, reference, title=title)
    details = papers.PaperDetails(
        marking=paper.marking.value,
        original_language="en",
        visibility=side,
        owner_id=None,
        due_on=None,
    )
    return papers.update_paper_details(session, None, paper.id, details)


def _linked(make: Factory, role: Role, person: Person) -> User:
    user = make.user(role)
    user.person_id = person.id
    return user


def leaked(text: str, words: tuple[str, ...]) -> list[str]:
    """The words of `words` found in `text`."""
    return [word for word in words if word in text]
