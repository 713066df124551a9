"""When each paper falls due, and whether it is missing, uploaded or late.

A paper is due `settings.paper_working_days(kind)` working days before its meeting's local
date (Monday to Friday, skipping unavailable dates), unless an editor set its own date
(`AgendaPaper.due_on`). The default is computed, never stored, so it moves with the meeting;
a date set by an editor is moved by `meetings.services` keeping its working days before the
meeting (`keep_working_days_before`). Only papers of tentative and confirmed meetings that
have not started are tracked, as for the agenda itself (app.agendas.deadlines).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.orm import Session, joinedload

from app.agendas.deadlines import PREPARED_STATUSES, agenda_due_date, last_meeting_day_due
from app.agendas.models import AgendaItem, AgendaPaper, PaperFile
from app.core.timezones import utc_to_local
from app.meetings.models import Meeting, UnavailableDate
from app.settings import Settings


class PaperStatus(enum.StrEnum):
    MISSING = "missing"  # nothing uploaded, not yet due
    UPLOADED = "uploaded"
    LATE = "late"  # nothing uploaded and the due date has passed


@dataclass(frozen=True)
class PaperDeadline:
    paper: AgendaPaper
    meeting: Meeting
    due: date
    uploaded: bool

    def status(self, today: date) -> PaperStatus:
        """On `today` in the meeting's zone (the due date itself is not late)."""
        if self.uploaded:
            return PaperStatus.UPLOADED
        return PaperStatus.LATE if today > self.due else PaperStatus.MISSING


def unavailable_days(session: Session) -> set[date]:
    return set(session.scalars(select(UnavailableDate.day)))


def meeting_day(meeting: Meeting) -> date:
    return utc_to_local(meeting.start_utc, meeting.timezone).date()


def default_due(meeting: Meeting, settings: Settings, unavailable: set[date]) -> date:
    """The due date a paper of `meeting` gets unless an editor sets one."""
    working_days = settings.paper_working_days(meeting.kind.slug)
    return agenda_due_date(meeting_day(meeting), working_days, unavailable)


def due_date(
    paper: AgendaPaper, meeting: Meeting, settings: Settings, unavailable: set[date]
) -> date:
    return paper.due_on or default_due(meeting, settings, unavailable)


def working_days_between(first: date, last: date, unavailable: set[date]) -> int:
    """Working days from `first` (counted) up to `last` (not counted)."""
    days = (first + timedelta(days=offset) for offset in range((last - first).days))
    return sum(1 for day in days if day.weekday() < 5 and day not in unavailable)


def keep_working_days_before(
    due: date, old_day: date, new_day: date, unavailable: set[date]
) -> date:
    """A due date set `n` working days before a meeting on `old_day`, moved to `n` working
    days before `new_day`; a date on or after the meeting day moves by calendar days."""
    if due >= old_day:
        return due + (new_day - old_day)
    return agenda_due_date(new_day, working_days_between(due, old_day, unavailable), unavailable)


def statuses(
    session: Session,
    settings: Settings,
    meeting: Meeting,
    papers: Iterable[AgendaPaper],
) -> dict[int, PaperDeadline]:
    """Each paper's deadline (by paper id) for the meeting's page: one query for the uploads;
    `status(today)` gives missing, uploaded or late."""
    papers = list(papers)
    ids = [paper.id for paper in papers]
    uploaded = set(
        session.scalars(select(PaperFile.paper_id).where(PaperFile.paper_id.in_(ids)).distinct())
        if ids
        else ()
    )
    unavailable = unavailable_days(session)
    return {
        paper.id: PaperDeadline(
            paper, meeting, due_date(paper, meeting, settings, unavailable), paper.id in uploaded
        )
        for paper in papers
    }


def paper_deadlines(
    session: Session,
    settings: Settings,
    now: datetime,
    *,
    due_within: timedelta = timedelta(0),
    missing_only: bool = True,
    visible: ColumnElement[bool] | None = None,
) -> list[PaperDeadline]:
    """Papers of meetings that have not started (tentative or confirmed), due by
    `due_within` from today or earlier, soonest due first; without an upload unless
    `missing_only` is False; `visible` narrows the meetings (e.g. `readable_by(actor)`)."""
    unavailable = unavailable_days(session)
    by = (now + due_within).date()
    most = max([settings.paper_due_working_days, *settings.paper_due_working_days_by_kind.values()])
    # A day's margin: a meeting's local date may differ from the UTC date.
    horizon = datetime.combine(
        last_meeting_day_due(by, most, unavailable) + timedelta(days=2), time(0, 0), tzinfo=UTC
    )
    uploaded = exists().where(PaperFile.paper_id == AgendaPaper.id)
    query = (
        select(AgendaPaper, Meeting, uploaded)
        .join(AgendaItem, AgendaItem.id == AgendaPaper.item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .options(joinedload(AgendaPaper.owner), joinedload(AgendaPaper.item))
        .where(
            visible if visible is not None else true(),
            Meeting.status.in_(PREPARED_STATUSES),
            Meeting.start_utc > now,
            or_(Meeting.start_utc < horizon, AgendaPaper.due_on <= by),
            ~uploaded if missing_only else true(),
        )
    )
    found = [
        PaperDeadline(paper, meeting, due_date(paper, meeting, settings, unavailable), done)
        for paper, meeting, done in session.execute(query)
    ]
    found = [deadline for deadline in found if deadline.due <= by]
    return sorted(found, key=lambda d: (d.due, d.meeting.start_utc, d.paper.item_id, d.paper.id))
