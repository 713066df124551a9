from datetime import datetime

import pytest

from app.agendas import services as agendas
from app.core.errors import InvalidTransition, ValidationError
from app.meetings import services as meetings


def test_numbering_nesting_and_approximate_times(make, session):
    meeting = make.meeting(
        start=datetime(2027, 3, 16, 10), end=datetime(2027, 3, 16, 13), timezone="Europe/Brussels"
    )
    opening = make.item(meeting, "Opening", duration_minutes=10)
    russia = make.item(meeting, "Russia")
    make.item(meeting, "Sanctions", parent=russia, duration_minutes=30)
    make.item(meeting, "Hybrid threats", parent=russia, duration_minutes=20, visibility="eu")
    make.item(meeting, "UK internal line", duration_minutes=15, visibility="uk")
    make.item(meeting, "AOB", duration_minutes=5)
    numbered = agendas.numbered(meeting, agendas.items_of(session, meeting.id))
    assert [(n.number, n.item.title, f"{n.starts_at:%H:%M}") for n in numbered] == [
        ("1", "Opening", "10:00"),
        ("2", "Russia", "10:10"),
        ("2.1", "Sanctions", "10:10"),
        ("2.2", "Hybrid threats", "10:40"),
        ("3", "UK internal line", "11:00"),
        ("4", "AOB", "11:15"),
    ]
    eu_view = agendas.numbered(meeting, agendas.items_of(session, meeting.id), visible_to="eu")
    assert [(n.number, n.item.title) for n in eu_view] == [
        ("1", "Opening"),
        ("2", "Russia"),
        ("2.1", "Sanctions"),
        ("2.2", "Hybrid threats"),
        ("4", "AOB"),  # the joint number: item 3 is the UK's, withheld, not reused
    ]
    assert opening.position == 1


def test_move_and_remove_renumber(make, session):
    meeting = make.meeting()
    first, second, third = (make.item(meeting, title) for title in ("A", "B", "C"))
    agendas.move_item(session, None, third.id, 1)
    assert [i.title for i in agendas.items_of(session, meeting.id)] == ["C", "A", "B"]
    agendas.move_item(session, None, second.id, 1, parent_id=first.id)
    agendas.remove_item(session, None, third.id)
    numbered = agendas.numbered(meeting, agendas.items_of(session, meeting.id))
    assert [(n.number, n.item.title) for n in numbered] == [("1", "A"), ("1.1", "B")]
    with pytest.raises(ValidationError, match="under itself"):
        agendas.move_item(session, None, first.id, 1, parent_id=second.id)
    with pytest.raises(ValidationError, match="Position"):
        agendas.move_item(session, None, first.id, 5)


def test_bad_items_are_refused(make, session):
    meeting = make.meeting()
    with pytest.raises(ValidationError, match="Duration"):
        make.item(meeting, "Long", duration_minutes=5000)
    with pytest.raises(ValidationError, match="must be one of"):
        make.item(meeting, "Odd", visibility="us")
    meetings.cancel_meeting(session, None, meeting.id)
    with pytest.raises(InvalidTransition):
        make.item(meeting, "Late")
