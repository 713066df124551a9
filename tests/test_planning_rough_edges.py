"""Scheduled consultations look like the rounds before them and follow later changes; a broken
London / Brussels alternation is warned about (issue 17, part 5)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from app.consultations import services as planning
from app.consultations.services import HalfYear
from app.meetings import services as meetings
from app.meetings.models import Marking


def _round(make, series, day, city, title):
    zone = "Europe/London" if city == "London" else "Europe/Brussels"
    return make.meeting(
        title=title,
        start=datetime.combine(day, datetime.min.time()).replace(hour=10),
        end=datetime.combine(day, datetime.min.time()).replace(hour=16),
        timezone=zone,
        host_city=city,
        series=series.id,
        marking="OFFICIAL-SENSITIVE",
    )


def test_a_scheduled_round_takes_the_last_rounds_style_and_marking(make, session):
    series = make.series()
    _round(make, series, date(2027, 3, 16), "London", "UK–EU strategic consultation (London)")
    plans = planning.plan_series(
        session, series.id, HalfYear(2027, 2), HalfYear(2027, 2), today=date(2027, 4, 1)
    )
    [created] = planning.schedule_proposals(session, None, series.id, plans)
    assert created.title == "UK–EU strategic consultation (Brussels)"
    assert created.marking is Marking.OFFICIAL_SENSITIVE


def test_the_title_follows_a_later_change_of_host_city_and_the_alternation_is_checked(
    make, session
):
    series = make.series()
    _round(make, series, date(2027, 3, 16), "London", "UK–EU strategic consultation (London)")
    later = _round(
        make, series, date(2027, 9, 21), "Brussels", "UK–EU strategic consultation (Brussels)"
    )
    moved = dataclasses.replace(meetings.input_from(later), host_city="London")
    result = meetings.update_meeting(session, None, later.id, moved)
    assert result.meeting.title == "UK–EU strategic consultation (London)"
    codes = [warning.code for warning in result.warnings]
    assert codes == ["host_alternation"]
    assert "London also hosted the round before" in result.warnings[0].message
    plans = planning.plan_series(
        session, series.id, HalfYear(2027, 1), HalfYear(2027, 2), today=date(2027, 4, 1)
    )
    assert [plan.same_host_as for plan in plans] == [None, "London"]
    # A title changed in the same edit is the user's: it is kept as typed.
    renamed = dataclasses.replace(
        meetings.input_from(later), host_city="Brussels", title="Autumn round (London)"
    )
    assert meetings.update_meeting(session, None, later.id, renamed).meeting.title == (
        "Autumn round (London)"
    )
