from datetime import date, datetime

import pytest

from app.consultations import services as planning
from app.consultations.services import HalfState, HalfYear
from app.core.errors import ValidationError
from app.meetings import services as meetings


def _consultation(make, series, day, city, **overrides):
    zone = "Europe/London" if city == "London" else "Europe/Brussels"
    return make.meeting(
        start=datetime.combine(day, datetime.min.time()).replace(hour=10),
        end=datetime.combine(day, datetime.min.time()).replace(hour=16),
        timezone=zone,
        host_city=city,
        series=series.id,
        **overrides,
    )


def test_three_years_of_half_years(make, session):
    series = make.series()
    _consultation(make, series, date(2025, 3, 18), "London")
    # 2025-H2 has none: overdue.
    _consultation(make, series, date(2026, 3, 24), "Brussels")
    _consultation(make, series, date(2026, 12, 8), "London")
    # 2027-H1 and 2027-H2 have none yet: proposals, hosts alternating from the last one.
    plans = planning.plan_series(
        session, series.id, HalfYear(2025, 1), HalfYear(2027, 2), today=date(2026, 11, 26)
    )
    assert [(p.half.label, p.state) for p in plans] == [
        ("2025-H1", HalfState.HELD),
        ("2025-H2", HalfState.OVERDUE),
        ("2026-H1", HalfState.HELD),
        ("2026-H2", HalfState.SCHEDULED),
        ("2027-H1", HalfState.MISSING),
        ("2027-H2", HalfState.MISSING),
    ]
    assert planning.overdue_halves(plans) == [HalfYear(2025, 2)]
    proposals = [p.proposal for p in plans if p.proposal]
    assert [(p.half.label, p.host_city, p.timezone, p.start.date()) for p in proposals] == [
        ("2027-H1", "Brussels", "Europe/Brussels", date(2027, 3, 16)),
        ("2027-H2", "London", "Europe/London", date(2027, 9, 21)),
    ]


def test_current_half_proposal_leaves_four_weeks_and_stays_in_the_half(make, session):
    series = make.series()
    plans = planning.plan_series(
        session, series.id, HalfYear(2026, 2), HalfYear(2026, 2), today=date(2026, 9, 30)
    )
    proposal = plans[0].proposal
    assert proposal is not None
    assert proposal.start.date() == date(2026, 11, 3)  # first Tuesday at least four weeks on
    assert proposal.host_city == "London"  # no history: first host in the rotation


def test_no_proposal_when_the_half_is_nearly_over(make, session):
    series = make.series()
    plans = planning.plan_series(
        session, series.id, HalfYear(2026, 2), HalfYear(2026, 2), today=date(2026, 12, 10)
    )
    assert plans[0].state is HalfState.MISSING
    assert plans[0].proposal is None


def test_cancelled_and_postponed_consultations_do_not_count(make, session):
    series = make.series()
    held = _consultation(make, series, date(2027, 3, 16), "London")
    meetings.cancel_meeting(session, None, held.id)
    postponed = _consultation(make, series, date(2027, 4, 13), "London")
    meetings.change_status(session, None, postponed.id, "postponed")
    plans = planning.plan_series(
        session, series.id, HalfYear(2027, 1), HalfYear(2027, 1), today=date(2026, 11, 26)
    )
    assert plans[0].state is HalfState.MISSING


def test_consultation_moved_out_of_its_half_is_flagged_in_both(make, session):
    series = make.series()
    _consultation(make, series, date(2027, 7, 6), "London", planned_half="2027-H1")
    plans = planning.plan_series(
        session, series.id, HalfYear(2027, 1), HalfYear(2027, 2), today=date(2026, 11, 26)
    )
    h1, h2 = plans
    assert h1.state is HalfState.MISSING
    assert h1.flagged
    assert h1.moved_out
    assert h2.state is HalfState.SCHEDULED
    assert h2.flagged


def test_half_is_judged_in_the_meeting_zone(make, session):
    series = make.series()
    # 00:30 on 1 July in Brussels is still 30 June in UTC: it belongs to H2.
    make.meeting(
        start=datetime(2027, 7, 1, 0, 30),
        end=datetime(2027, 7, 1, 2),
        timezone="Europe/Brussels",
        series=series.id,
    )
    plans = planning.plan_series(
        session, series.id, HalfYear(2027, 1), HalfYear(2027, 2), today=date(2026, 11, 26)
    )
    assert [p.state for p in plans] == [HalfState.MISSING, HalfState.SCHEDULED]


def test_schedule_proposals_creates_tentative_meetings(make, session):
    series = make.series()
    plans = planning.plan_series(
        session, series.id, HalfYear(2027, 1), HalfYear(2027, 2), today=date(2026, 11, 26)
    )
    created = planning.schedule_proposals(session, None, series.id, plans, topics=["russia"])
    assert [(m.planned_half, m.host_city, m.status.value) for m in created] == [
        ("2027-H1", "London", "tentative"),
        ("2027-H2", "Brussels", "tentative"),
    ]
    again = planning.plan_series(
        session, series.id, HalfYear(2027, 1), HalfYear(2027, 2), today=date(2026, 11, 26)
    )
    assert all(p.state is HalfState.SCHEDULED for p in again)


def test_only_six_monthly_series_are_planned(make, session):
    from app.meetings import catalogue

    annual = catalogue.create_series(
        session, None, "summits", "Summits", "summit", cadence_months=12
    )
    with pytest.raises(ValidationError, match="not a six-monthly"):
        planning.plan_series(
            session, annual.id, HalfYear(2027, 1), HalfYear(2027, 2), today=date(2026, 11, 26)
        )


@pytest.mark.parametrize("label", ["2027", "2027-H3", "H1-2027", ""])
def test_half_year_labels_are_checked(label):
    with pytest.raises(ValidationError, match="2026-H1"):
        HalfYear.parse(label)
