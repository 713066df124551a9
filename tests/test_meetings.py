from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.errors import InvalidTransition, NotFound, StaleVersion, ValidationError
from app.meetings import services as meetings
from app.meetings.models import MeetingStatus
from tests.helpers import unchanged


def test_create_stores_utc_and_the_zone(make, session):
    meeting = make.meeting(
        start=datetime(2027, 1, 12, 10), end=datetime(2027, 1, 12, 12), timezone="Europe/Brussels"
    )
    session.expire_all()
    stored = meetings.get_meeting(session, meeting.id)
    assert stored.start_utc == datetime(2027, 1, 12, 9, tzinfo=UTC)
    assert stored.timezone == "Europe/Brussels"
    assert stored.uid.endswith("@entente")
    assert stored.sequence == 0


@pytest.mark.parametrize(
    ("zone", "local", "expected_utc"),
    [
        # Last Sunday of March 2027 is the 28th: clocks go forward at 01:00 UTC.
        ("Europe/London", datetime(2027, 3, 28, 0, 30), datetime(2027, 3, 28, 0, 30)),
        ("Europe/London", datetime(2027, 3, 28, 2, 30), datetime(2027, 3, 28, 1, 30)),
        ("Europe/Brussels", datetime(2027, 3, 28, 1, 30), datetime(2027, 3, 28, 0, 30)),
        ("Europe/Brussels", datetime(2027, 3, 28, 3, 30), datetime(2027, 3, 28, 1, 30)),
        # Last Sunday of October 2027 is the 31st: the repeated hour takes the summer reading.
        ("Europe/London", datetime(2027, 10, 31, 1, 30), datetime(2027, 10, 31, 0, 30)),
        ("Europe/London", datetime(2027, 10, 31, 10, 0), datetime(2027, 10, 31, 10, 0)),
        ("Europe/Brussels", datetime(2027, 10, 31, 2, 30), datetime(2027, 10, 31, 0, 30)),
        ("Europe/Brussels", datetime(2027, 10, 31, 10, 0), datetime(2027, 10, 31, 9, 0)),
    ],
)
def test_dst_edges_convert_wall_clock_times(make, zone, local, expected_utc):
    meeting = make.meeting(start=local, end=local + timedelta(hours=3), timezone=zone)
    assert meeting.start_utc == expected_utc.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "missing"),
    [
        ("Europe/London", datetime(2027, 3, 28, 1, 30)),
        ("Europe/Brussels", datetime(2027, 3, 28, 2, 30)),
    ],
)
def test_times_in_the_spring_gap_are_refused(make, session, zone, missing):
    with unchanged(session), pytest.raises(ValidationError, match="does not exist") as error:
        make.meeting(start=missing, end=missing + timedelta(hours=2), timezone=zone)
    assert error.value.field == "start"


def test_meeting_across_the_autumn_change_lasts_an_extra_hour(make):
    meeting = make.meeting(
        start=datetime(2027, 10, 30, 22, 0),
        end=datetime(2027, 10, 31, 6, 0),
        timezone="Europe/London",
    )
    assert meeting.end_utc - meeting.start_utc == timedelta(hours=9)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end": datetime(2027, 3, 16, 9, 0)}, "end", "end after it starts"),
        ({"end": datetime(2027, 3, 16, 10, 0)}, "end", "end after it starts"),
        ({"timezone": "Europe/Londres"}, "timezone", "Unknown time zone"),
        ({"timezone": "GMT+1"}, "timezone", "Unknown time zone"),
        ({"title": "   "}, "title", "required"),
        ({"title": "x" * 301}, "title", "at most 300"),
        ({"kind": "tea-party"}, "kind", "No meeting kind"),
        ({"topics": ["atlantis"]}, "topics", "Unknown topic"),
        ({"status": "maybe"}, "status", "must be one of"),
        ({"status": "cancelled"}, "status", "cannot start as cancelled"),
        ({"marking": "SECRET"}, "marking", "must be one of"),
        ({"planned_half": "2027-H3"}, "planned_half", "2026-H1"),
        ({"planned_half": "²⁰²⁷-H1"}, "planned_half", "2026-H1"),
        ({"end": datetime(2027, 4, 16, 10, 0)}, "end", "14 days"),
        ({"language": "de"}, "language", "en or fr"),
        ({"chair_id": 999999}, "chair_id", "No person"),
    ],
)
def test_bad_input_gives_a_clear_error_and_changes_nothing(
    make, session, overrides, field, message
):
    data = make.meeting_input(**overrides)
    with unchanged(session), pytest.raises((ValidationError, NotFound), match=message) as error:
        meetings.create_meeting(session, None, data)
    assert error.value.field == field


def test_every_change_writes_an_audit_entry_in_the_same_transaction(make, session):
    meeting = make.meeting()
    meetings.move_meeting(
        session, None, meeting.id, datetime(2027, 3, 17, 10), datetime(2027, 3, 17, 12)
    )
    meetings.cancel_meeting(session, None, meeting.id, reason="Diary clash")
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "meeting", AuditEntry.entity_id == meeting.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["meeting.created", "meeting.moved", "meeting.cancelled"]
    moved = session.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.moved"))
    assert moved.changes["start_utc"] == ["2027-03-16T10:00:00+00:00", "2027-03-17T10:00:00+00:00"]


def test_sequence_rises_only_with_changes_a_calendar_shows(make, session):
    meeting = make.meeting()
    data = meetings.input_from(meeting)
    data.marking = "LIMITE"
    meetings.update_meeting(session, None, meeting.id, data)
    assert meeting.sequence == 0
    meetings.move_meeting(
        session, None, meeting.id, datetime(2027, 3, 16, 11), datetime(2027, 3, 16, 14)
    )
    assert meeting.sequence == 1
    data = meetings.input_from(meeting)
    data.topics = []
    meetings.update_meeting(session, None, meeting.id, data)
    assert meeting.sequence == 2
    uid = meeting.uid
    meetings.cancel_meeting(session, None, meeting.id)
    assert meeting.sequence == 3
    assert meeting.uid == uid


def test_saving_without_changes_writes_nothing(make, session):
    meeting = make.meeting()
    with unchanged(session):
        meetings.update_meeting(session, None, meeting.id, meetings.input_from(meeting))
    assert meeting.sequence == 0


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["confirmed"], True),
        (["postponed", "confirmed"], True),
        (["confirmed", "tentative"], True),
        (["cancelled"], True),
        (["cancelled", "confirmed"], False),
        (["cancelled", "tentative"], False),
        (["confirmed", "confirmed"], False),
    ],
)
def test_status_changes_follow_the_allowed_transitions(make, session, path, allowed):
    meeting = make.meeting()
    *steps, last = path
    for status in steps:
        meetings.change_status(session, None, meeting.id, status)
    if allowed:
        meetings.change_status(session, None, meeting.id, last)
        assert meeting.status == MeetingStatus(last)
    else:
        with unchanged(session), pytest.raises(InvalidTransition):
            meetings.change_status(session, None, meeting.id, last)


def test_a_cancelled_meeting_cannot_be_edited(make, session):
    meeting = make.meeting()
    meetings.cancel_meeting(session, None, meeting.id)
    with unchanged(session), pytest.raises(InvalidTransition, match="cancelled meeting"):
        meetings.move_meeting(
            session, None, meeting.id, datetime(2027, 3, 20, 10), datetime(2027, 3, 20, 12)
        )


def test_stale_edits_are_refused(make, session):
    meeting = make.meeting()
    version = meeting.version
    meetings.move_meeting(
        session,
        None,
        meeting.id,
        datetime(2027, 3, 16, 11),
        datetime(2027, 3, 16, 12),
        expected_version=version,
    )
    with unchanged(session), pytest.raises(StaleVersion, match="changed by someone else"):
        meetings.move_meeting(
            session,
            None,
            meeting.id,
            datetime(2027, 3, 16, 15),
            datetime(2027, 3, 16, 16),
            expected_version=version,
        )


def test_moving_a_meeting_moves_open_reply_deadlines(make, session):
    meeting = make.meeting()
    deadline = meeting.start_utc - timedelta(days=5)
    open_invitation = make.invitation(meeting, reply_deadline=deadline)
    meetings.move_meeting(
        session, None, meeting.id, datetime(2027, 3, 23, 10), datetime(2027, 3, 23, 13)
    )
    assert open_invitation.reply_deadline == deadline + timedelta(days=7)


def test_unknown_meeting_is_not_found(session):
    with pytest.raises(NotFound):
        meetings.get_meeting(session, 424242)
