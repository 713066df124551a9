"""What the secretariat should look at today (read-only; composed from the domain services).

Each panel holds only meetings the viewer may read (app.meetings.access); the consultation
gaps count every meeting, as planning does, but name none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.agendas.models import AgendaVersion
from app.agendas.tasks import agenda_due_date
from app.consultations import services as consultations
from app.core.errors import EntenteError
from app.core.timezones import utc_to_local
from app.invitations import services as invitations
from app.invitations.models import Invitation
from app.meetings import queries
from app.meetings.access import readable_by
from app.meetings.models import Meeting, MeetingSeries, MeetingStatus, UnavailableDate

if TYPE_CHECKING:
    from app.auth.models import User

CONSULTATION_SERIES = "strategic-consultations"
AGENDA_LOOKAHEAD = timedelta(days=15)  # show agendas falling due within this
AGENDA_HORIZON = timedelta(days=45)  # meetings further ahead cannot be due soon
UPCOMING_WINDOW = timedelta(days=60)


@dataclass(frozen=True)
class AgendaDue:
    meeting: Meeting
    due: date
    overdue: bool


@dataclass
class Dashboard:
    next_meetings: Sequence[Meeting]
    missing_halves: list[consultations.HalfYearPlan] = field(default_factory=list)
    awaiting_reply: Sequence[Invitation] = ()
    agendas_due: Sequence[AgendaDue] = ()
    series_known: bool = False


def build(
    session: Session,
    actor: User | None,
    now: datetime,
    today: date,
    *,
    agenda_working_days: int = 10,
) -> Dashboard:
    board = Dashboard(next_meetings=queries.upcoming(session, actor, now, now + UPCOMING_WINDOW, 8))
    board.series_known, board.missing_halves = _missing_halves(session, actor, today)
    board.awaiting_reply = invitations.list_invitations(
        session, actor, invitations.InvitationFilter(open_only=True)
    )[:12]
    board.agendas_due = _agendas_due(session, actor, now, today, agenda_working_days)
    return board


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
    """Meetings whose provisional agenda has not been circulated and is due (working days
    before the meeting, skipping unavailable dates) within the next 15 days, or late."""
    query = (
        select(Meeting)
        .where(
            readable_by(actor),
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.start_utc >= now,
            Meeting.start_utc < now + AGENDA_HORIZON,
            ~exists().where(AgendaVersion.meeting_id == Meeting.id),
        )
        .order_by(Meeting.start_utc)
    )
    unavailable = set(session.scalars(select(UnavailableDate.day)))
    due_soon = []
    for meeting in session.scalars(query):
        local_day = utc_to_local(meeting.start_utc, meeting.timezone).date()
        due = agenda_due_date(local_day, working_days, unavailable)
        if due <= today + AGENDA_LOOKAHEAD:
            due_soon.append(AgendaDue(meeting, due, overdue=due < today))
    return due_soon[:20]
