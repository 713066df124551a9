from datetime import date, datetime

from app.meetings import catalogue
from app.meetings import services as meetings
from app.meetings.delegations import add_participant
from app.people.models import Side


def _person(make):
    return make.person(make.organisation(Side.UK), full_name="Eleanor Hartley")


def test_double_booking_across_time_zones_is_reported(make, session):
    person = _person(make)
    # 10:00–12:00 London (GMT) is 10:00–12:00 UTC.
    london = make.meeting(
        title="Consultation",
        start=datetime(2027, 1, 12, 10),
        end=datetime(2027, 1, 12, 12),
        timezone="Europe/London",
    )
    add_participant(session, None, london.id, person.id)
    # 12:30–14:00 Brussels (CET) is 11:30–13:00 UTC: overlaps by half an hour.
    brussels = make.meeting(
        title="PSC",
        start=datetime(2027, 1, 12, 12, 30),
        end=datetime(2027, 1, 12, 14),
        timezone="Europe/Brussels",
    )
    _, warnings = add_participant(session, None, brussels.id, person.id)
    assert [(w.code, w.other_meeting_id, w.person_id) for w in warnings] == [
        ("person_double_booked", london.id, person.id)
    ]
    assert "Eleanor Hartley" in warnings[0].message


def test_back_to_back_meetings_in_different_zones_do_not_clash(make, session):
    person = _person(make)
    london = make.meeting(
        start=datetime(2027, 1, 12, 10), end=datetime(2027, 1, 12, 12), timezone="Europe/London"
    )
    add_participant(session, None, london.id, person.id)
    # 13:00 Brussels is 12:00 UTC, exactly when the London meeting ends.
    brussels = make.meeting(
        start=datetime(2027, 1, 12, 13), end=datetime(2027, 1, 12, 15), timezone="Europe/Brussels"
    )
    _, warnings = add_participant(session, None, brussels.id, person.id)
    assert warnings == []


def test_moving_a_meeting_onto_a_colleague_booking_is_reported(make, session):
    person = _person(make)
    first = make.meeting(start=datetime(2027, 1, 12, 10), end=datetime(2027, 1, 12, 12))
    second = make.meeting(start=datetime(2027, 1, 13, 10), end=datetime(2027, 1, 13, 12))
    add_participant(session, None, first.id, person.id)
    add_participant(session, None, second.id, person.id)
    result = meetings.move_meeting(
        session, None, second.id, datetime(2027, 1, 12, 11), datetime(2027, 1, 12, 13)
    )
    assert [w.code for w in result.warnings] == ["person_double_booked"]


def test_cancelled_meetings_do_not_clash(make, session):
    person = _person(make)
    first = make.meeting(start=datetime(2027, 1, 12, 10), end=datetime(2027, 1, 12, 12))
    add_participant(session, None, first.id, person.id)
    meetings.cancel_meeting(session, None, first.id)
    second = make.meeting(start=datetime(2027, 1, 12, 10), end=datetime(2027, 1, 12, 12))
    _, warnings = add_participant(session, None, second.id, person.id)
    assert warnings == []


def test_unavailable_date_in_the_meeting_zone_is_reported(make, session):
    catalogue.mark_unavailable(session, None, date(2027, 12, 25), "Christmas Day")
    # 23:30 on the 24th in London is already the 25th in Brussels.
    result = meetings.create_meeting(
        session,
        None,
        make.meeting_input(
            start=datetime(2027, 12, 25, 0, 30),
            end=datetime(2027, 12, 25, 2),
            timezone="Europe/Brussels",
        ),
    )
    assert [w.code for w in result.warnings] == ["unavailable_date"]
    assert "Christmas Day" in result.warnings[0].message
    clear = meetings.create_meeting(
        session,
        None,
        make.meeting_input(
            start=datetime(2027, 12, 24, 20),
            end=datetime(2027, 12, 24, 23),
            timezone="Europe/London",
        ),
    )
    assert clear.warnings == []


def test_moving_a_consultation_out_of_its_half_year_is_allowed_but_flagged(make, session):
    meeting = make.meeting(
        start=datetime(2027, 6, 22, 10), end=datetime(2027, 6, 22, 13), planned_half="2027-H1"
    )
    result = meetings.move_meeting(
        session, None, meeting.id, datetime(2027, 7, 6, 10), datetime(2027, 7, 6, 13)
    )
    assert result.meeting.start_utc.month == 7
    assert [w.code for w in result.warnings] == ["outside_planned_half"]
    assert "2027-H1" in result.warnings[0].message
    assert "2027-H2" in result.warnings[0].message
