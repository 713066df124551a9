"""Which half-years have a consultation, which are missing or overdue, and proposals to fill them.

The partnership commits to consultations every six months: one in H1 (January–June) and one in
H2 (July–December), hosts alternating London / Brussels.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import ValidationError
from app.core.timezones import utc_to_local
from app.core.validation import is_digits, year_in_range
from app.meetings import catalogue
from app.meetings.access import readable_ids
from app.meetings.models import Marking, Meeting, MeetingSeries, MeetingStatus
from app.meetings.services import MeetingInput, create_meeting, half_of

if TYPE_CHECKING:
    from app.auth.models import User

HOST_ZONES = {"London": "Europe/London", "Brussels": "Europe/Brussels"}
HOST_VENUES = {"London": "Lancaster House", "Brussels": "EEAS Headquarters"}
ACTIVE = (MeetingStatus.TENTATIVE, MeetingStatus.CONFIRMED)
LEAD_TIME = timedelta(days=28)  # proposals leave at least four weeks to prepare


class HalfState(enum.StrEnum):
    HELD = "held"  # past, a consultation took place
    SCHEDULED = "scheduled"  # current or future, one is planned
    MISSING = "missing"  # current or future, none planned yet: see the proposal
    OVERDUE = "overdue"  # ended with none held


@dataclass(frozen=True, order=True)
class HalfYear:
    year: int
    half: int  # 1 or 2

    @property
    def label(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def first_day(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    def next(self) -> HalfYear:
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year + 1, 1)

    @classmethod
    def of(cls, day: date) -> HalfYear:
        return cls(day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def parse(cls, label: str, field: str = "half") -> HalfYear:
        year, _sep, half = label.strip().partition("-H")
        if not (is_digits(year) and len(year) == 4 and half in {"1", "2"}):
            raise ValidationError(_("A half-year looks like 2026-H1"), field=field)
        return cls(year_in_range(int(year), field), int(half))


@dataclass(frozen=True)
class Proposal:
    half: HalfYear
    host_city: str
    timezone: str
    venue: str
    start: datetime  # naive local time in `timezone`
    end: datetime


@dataclass
class HalfYearPlan:
    half: HalfYear
    state: HalfState
    meetings: list[Meeting] = field(default_factory=list)
    proposal: Proposal | None = None
    # Meetings planned for this half that were moved into another one.
    moved_out: list[Meeting] = field(default_factory=list)
    # A meeting planned for one half now falls in another (this one, or out of it).
    flagged: bool = False
    # Consultations in this half that the reader may not read (see `plan_for`): they count
    # for `state`, but are not in `meetings`.
    restricted: int = 0
    # The host of the round before hosts this one too: the alternation is broken.
    same_host_as: str | None = None


def halves_between(first: HalfYear, last: HalfYear) -> list[HalfYear]:
    """Every half-year from `first` to `last`, both included (none if `last` comes first)."""
    halves, current = [], first
    while current <= last:
        halves.append(current)
        current = current.next()
    return halves


def plan_series(
    session: Session, series_id: int | str, first: HalfYear, last: HalfYear, today: date
) -> list[HalfYearPlan]:
    """The state of every half-year from `first` to `last`, with proposals for missing ones."""
    series = catalogue.get_series(session, series_id)
    if series.cadence_months != 6:
        raise ValidationError(
            _("%(name)s is not a six-monthly series", name=series.name), field="series"
        )
    year_in_range(first.year, "first")
    year_in_range(last.year, "last")
    if last < first:
        raise ValidationError(_("The last half-year must not come before the first"), field="last")
    if len(halves_between(first, last)) > 60:
        raise ValidationError(_("Plan at most thirty years at a time"), field="last")
    active = list(
        session.scalars(
            select(Meeting)
            .where(Meeting.series_id == series.id, Meeting.status.in_(ACTIVE))
            .order_by(Meeting.start_utc)
        )
    )
    by_half: dict[str, list[Meeting]] = {}
    for meeting in active:
        by_half.setdefault(half_of(meeting.start_utc, meeting.timezone), []).append(meeting)
    hosts = series.hosts or list(HOST_ZONES)
    last_host = _last_host_before(active, first)
    previous_host = last_host
    plans = []
    for half in halves_between(first, last):
        meetings = by_half.get(half.label, [])
        moved_out = [m for m in active if m.planned_half == half.label and m not in meetings]
        state = _state(half, meetings, today)
        proposal = None
        if meetings:
            last_host = meetings[-1].host_city or last_host
        elif state is HalfState.MISSING:
            host = _next_host(hosts, last_host)
            proposal = _propose(half, host, today, series)
            last_host = host
        flagged = bool(moved_out) or any(m.planned_half not in (None, half.label) for m in meetings)
        plan = HalfYearPlan(half, state, meetings, proposal, moved_out, flagged)
        plan.same_host_as = _repeated_host(hosts, previous_host, meetings)
        previous_host = last_host
        plans.append(plan)
    return plans


def plan_for(
    session: Session,
    actor: User | None,
    series_id: int | str,
    first: HalfYear,
    last: HalfYear,
    today: date,
) -> list[HalfYearPlan]:
    """`plan_series` as `actor` may read it (app.meetings.access): a consultation they may not
    read still makes its half-year scheduled or held, but is only counted in `restricted`,
    never listed (no title, no link)."""
    plans = plan_series(session, series_id, first, last, today)
    every = {meeting.id for plan in plans for meeting in (*plan.meetings, *plan.moved_out)}
    shown = readable_ids(session, actor, every)
    return [_as_read(plan, shown) for plan in plans]


def _as_read(plan: HalfYearPlan, shown: set[int]) -> HalfYearPlan:
    meetings = [meeting for meeting in plan.meetings if meeting.id in shown]
    return dataclasses.replace(
        plan,
        meetings=meetings,
        moved_out=[meeting for meeting in plan.moved_out if meeting.id in shown],
        restricted=len(plan.meetings) - len(meetings),
    )


def schedule_proposals(
    session: Session,
    actor: User | None,
    series_id: int | str,
    plans: Sequence[HalfYearPlan],
    topics: Sequence[str] = (),
) -> list[Meeting]:
    """Create a tentative consultation for every proposal in `plans` whose half-year is still
    without one, titled and marked like the series' last round (`consultation_title`).

    `plans` may have been read before a simultaneous call scheduled the same half-years, so the
    series row is locked first (SELECT ... FOR UPDATE on PostgreSQL; SQLite write transactions
    run one at a time) and each half is checked again against what is stored now: the calls
    queue on the lock, and only the first one creates anything.
    """
    series = _lock_series(session, series_id)
    taken = _halves_taken(session, series)
    earlier = list(
        session.scalars(
            select(Meeting)
            .where(Meeting.series_id == series.id, Meeting.status.in_(ACTIVE))
            .order_by(Meeting.start_utc)
        )
    )
    marking = earlier[-1].marking if earlier else Marking.OFFICIAL
    created = []
    for plan in plans:
        if plan.proposal is None or plan.half.label in taken:
            continue
        proposal = plan.proposal
        result = create_meeting(
            session,
            actor,
            MeetingInput(
                title=consultation_title(series, proposal.host_city, earlier),
                marking=marking,
                kind=series.kind_id,
                start=proposal.start,
                end=proposal.end,
                timezone=proposal.timezone,
                venue=proposal.venue,
                host_city=proposal.host_city,
                status=MeetingStatus.TENTATIVE,
                topics=topics,
                series=series.id,
                planned_half=plan.half.label,
            ),
        )
        created.append(result.meeting)
        earlier.append(result.meeting)
    return created


def _repeated_host(
    hosts: Sequence[str], previous: str | None, meetings: Sequence[Meeting]
) -> str | None:
    """The city, when a round is hosted where the round before was (hosts alternate)."""
    if len(hosts) < 2 or previous is None:
        return None
    return next((m.host_city for m in meetings if m.host_city == previous), None)


def consultation_title(series: MeetingSeries, host: str, earlier: Sequence[Meeting]) -> str:
    """A new round's title in the style of the last one ("UK–EU strategic consultation
    (London)" becomes "… (Brussels)"); the series' name and the city when none has one."""
    for meeting in reversed(earlier):
        city = meeting.host_city
        if city and f"({city})" in meeting.title:
            return meeting.title.replace(f"({city})", f"({host})")
    return f"{series.name} ({host})"


def _lock_series(session: Session, series_id: int | str) -> MeetingSeries:
    series = catalogue.get_series(session, series_id)
    session.scalar(select(MeetingSeries.id).where(MeetingSeries.id == series.id).with_for_update())
    return series


def _halves_taken(session: Session, series: MeetingSeries) -> set[str]:
    """The half-years in which the series has an active meeting now (read after the lock, so
    a meeting committed by whoever held it before is seen)."""
    rows = session.execute(
        select(Meeting.start_utc, Meeting.timezone).where(
            Meeting.series_id == series.id, Meeting.status.in_(ACTIVE)
        )
    )
    return {half_of(start_utc, timezone) for start_utc, timezone in rows}


def overdue_halves(plans: Sequence[HalfYearPlan]) -> list[HalfYear]:
    """The half-years among `plans` that ended with no consultation held."""
    return [plan.half for plan in plans if plan.state is HalfState.OVERDUE]


def _state(half: HalfYear, meetings: list[Meeting], today: date) -> HalfState:
    ended = half.last_day < today
    if meetings:
        return HalfState.HELD if ended else HalfState.SCHEDULED
    return HalfState.OVERDUE if ended else HalfState.MISSING


def _last_host_before(meetings: Sequence[Meeting], half: HalfYear) -> str | None:
    earlier = [m for m in meetings if half_of(m.start_utc, m.timezone) < half.label and m.host_city]
    return max(earlier, key=lambda m: m.start_utc).host_city if earlier else None


def _next_host(hosts: Sequence[str], last_host: str | None) -> str:
    if last_host is None or last_host not in hosts:
        return hosts[0]
    return hosts[(list(hosts).index(last_host) + 1) % len(hosts)]


def _propose(half: HalfYear, host: str, today: date, series: MeetingSeries) -> Proposal | None:
    earliest = max(half.first_day, today + LEAD_TIME)
    day = _preferred_day(half, earliest)
    if day is None:
        return None
    start = datetime.combine(day, time(10, 0))
    minutes = series.kind.default_duration_minutes
    return Proposal(
        half=half,
        host_city=host,
        timezone=HOST_ZONES.get(host, "Europe/Brussels"),
        venue=HOST_VENUES.get(host, ""),
        start=start,
        end=start + timedelta(minutes=minutes),
    )


def _preferred_day(half: HalfYear, earliest: date) -> date | None:
    """The third Tuesday of the half's third month (March / September) or the first Tuesday
    after `earliest` when that is too soon; None when no Tuesday is left in the half."""
    month = 3 if half.half == 1 else 9
    target = _nth_weekday(half.year, month, weekday=1, n=3)
    if target < earliest:
        target = earliest + timedelta(days=(1 - earliest.weekday()) % 7)
    return target if target <= half.last_day else None


def _nth_weekday(year: int, month: int, *, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def local_day(meeting: Meeting) -> date:
    """The date the meeting starts on in its own time zone."""
    return utc_to_local(meeting.start_utc, meeting.timezone).date()
