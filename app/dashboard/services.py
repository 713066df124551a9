"""What the secretariat should look at today (read-only; composed from the domain services).

Each panel holds only meetings the viewer may read (app.meetings.access); the consultation
gaps count every meeting, as planning does, but name none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agendas.deadlines import agenda_deadlines
from app.agendas.numbering import visible_to
from app.agendas.paper_deadlines import PaperDeadline, paper_deadlines
from app.agendas.rules import own_side
from app.agendas.source import paper_visible
from app.auth.models import Role
from app.consultations import services as consultations
from app.core.errors import EntenteError
from app.invitations import services as invitations
from app.invitations.models import Invitation
from app.meetings import queries
from app.meetings.access import readable_by
from app.meetings.models import Meeting, MeetingSeries
from app.settings import Settings

if TYPE_CHECKING:
    from app.auth.models import User

CONSULTATION_SERIES = "strategic-consultations"
AGENDA_LOOKAHEAD = timedelta(days=15)  # show agendas falling due within this
UPCOMING_WINDOW = timedelta(days=60)


@dataclass(frozen=True)
class AgendaDue:
    meeting: Meeting
    due: date
    overdue: bool


@dataclass(frozen=True)
class PaperDue:
    deadline: PaperDeadline
    late: bool


@dataclass
class Dashboard:
    next_meetings: Sequence[Meeting]
    missing_halves: list[consultations.HalfYearPlan] = field(default_factory=list)
    awaiting_reply: Sequence[Invitation] = ()
    agendas_due: Sequence[AgendaDue] = ()
    papers_due: Sequence[PaperDue] = ()
    series_known: bool = False


def build(
    session: Session,
    actor: User | None,
    now: datetime,
    today: date,
    *,
    agenda_working_days: int = 10,
    settings: Settings | None = None,
) -> Dashboard:
    """The dashboard as `actor` may read it: upcoming meetings, half-years without a
    consultation, invitations awaiting a reply, agendas due within `agenda_working_days`,
    and (for editors, given the settings) papers missing or late."""
    board = Dashboard(next_meetings=queries.upcoming(session, actor, now, now + UPCOMING_WINDOW, 8))
    board.series_known, board.missing_halves = _missing_halves(session, actor, today)
    board.awaiting_reply = invitations.list_invitations(
        session, actor, invitations.InvitationFilter(open_only=True)
    )[:12]
    board.agendas_due = _agendas_due(session, actor, now, today, agenda_working_days)
    if settings is not None and (actor is None or actor.has_role(Role.EDITOR)):
        board.papers_due = _papers_due(session, actor, settings, now, today)
    return board


def _papers_due(
    session: Session, actor: User | None, settings: Settings, now: datetime, today: date
) -> list[PaperDue]:
    """Papers with nothing uploaded, due within 15 days or late, that the editor may see:
    meetings they may read, and their own side's items and papers only."""
    side = own_side(session, actor)
    deadlines = paper_deadlines(
        session, settings, now, due_within=AGENDA_LOOKAHEAD, visible=readable_by(actor)
    )
    return [
        PaperDue(deadline, late=deadline.due < today)
        for deadline in deadlines
        if visible_to(deadline.paper.item, side) and paper_visible(deadline.paper, side)
    ][:20]


def _missing_halves(
    session: Session, actor: User | None, today: date
) -> tuple[bool, list[consultations.HalfYearPlan]]:
    """Half-years from the last one to two years ahead without a consultation planned (one
    that `actor` may not read counts as planned all the same)."""
    if (
        session.scalar(select(MeetingSeries.id).where(MeetingSeries.slug == CONSULTATION_SERIES))
        is None
    ):
        return False, []
    first = consultations.HalfYear.of(today - timedelta(days=183))
    last = consultations.HalfYear.of(today + timedelta(days=730))
    try:
        plans = consultations.plan_for(session, actor, CONSULTATION_SERIES, first, last, today)
    except EntenteError:
        return True, []
    wanted = {consultations.HalfState.MISSING, consultations.HalfState.OVERDUE}
    return True, [plan for plan in plans if plan.state in wanted]


def _agendas_due(
    session: Session, actor: User | None, now: datetime, today: date, working_days: int
) -> list[AgendaDue]:
    """Meetings the viewer may read whose provisional agenda is due (app.agendas.deadlines)
    within the next 15 days, or late."""
    deadlines = agenda_deadlines(
        session, now, working_days, due_within=AGENDA_LOOKAHEAD, visible=readable_by(actor)
    )
    due_soon = [
        AgendaDue(deadline.meeting, deadline.due, overdue=deadline.due < today)
        for deadline in deadlines
        if deadline.due <= today + AGENDA_LOOKAHEAD
    ]
    return due_soon[:20]
