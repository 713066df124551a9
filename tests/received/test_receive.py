"""Invitations from Brussels: an organiser's REQUEST, its updates and its CANCEL (services)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.invitations.models import Invitation, InvitationStatus, ReceivedInvitation
from app.invitations.received_calendar import CalendarRefused
from app.meetings.models import Access, Meeting, MeetingStatus
from tests.received.messages import UID, outlook_calendar

# The last Sundays of March and October 2027: the clocks change in the small hours.
SPRING = (datetime(2027, 3, 28, 10, 0), datetime(2027, 3, 28, 13, 0))
AUTUMN = (datetime(2027, 10, 31, 10, 0), datetime(2027, 10, 31, 13, 0))


def received(session) -> ReceivedInvitation:
    return session.scalars(select(ReceivedInvitation)).one()


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_request_makes_a_tentative_meeting_and_an_invitation_from_the_eeas(session, receive):
    before = count(session, Meeting)
    summary = receive(outlook_calendar(start=SPRING[0], end=SPRING[1]))

    record = received(session)
    invitation = record.invitation
    meeting = invitation.meeting
    assert "Foreign Affairs Council (Defence)" in summary
    assert count(session, Meeting) == before + 1
    assert meeting.status is MeetingStatus.TENTATIVE
    assert meeting.kind.slug == "foreign-affairs-council"
    assert meeting.title == "Foreign Affairs Council (Defence)"
    # Romance Standard Time is Brussels' zone; on the day summer time starts, 10:00 is UTC+2.
    assert meeting.timezone == "Europe/Brussels"
    assert meeting.start_utc == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)
    assert meeting.end_utc == datetime(2027, 3, 28, 11, 0, tzinfo=UTC)
    assert meeting.venue == "Europa building, Brussels"
    assert meeting.description == "Dear colleagues,\nThe UK is invited to item 3."
    assert meeting.uid != UID  # Entente's own calendar entry keeps Entente's UID
    assert (record.organiser_uid, record.organiser_sequence) == (UID, 0)
    assert (record.organiser_email, record.organiser_name) == (
        "anna.kowalska@eeas.europa.eu",
        "Anna Kowalska",
    )
    assert invitation.inviter.code == "EU-EEAS"
    assert invitation.invitee.code == "UK-FCDO"
    assert invitation.status is InvitationStatus.INVITED
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"invitation.received", "meeting.created", "invitation.issued"} <= actions


def test_an_autumn_meeting_in_w_europe_time_keeps_its_winter_offset(session, receive):
    receive(outlook_calendar(start=AUTUMN[0], end=AUTUMN[1], tzid="W. Europe Standard Time"))
    meeting = received(session).invitation.meeting
    assert meeting.timezone == "Europe/Berlin"
    assert meeting.start_utc == datetime(2027, 10, 31, 9, 0, tzinfo=UTC)


def test_a_gmt_standard_time_request_is_london_time(session, receive):
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1], tzid="GMT Standard Time"))
    meeting = received(session).invitation.meeting
    assert meeting.timezone == "Europe/London"
    assert meeting.start_utc == datetime(2027, 3, 28, 9, 0, tzinfo=UTC)


def test_a_plain_ics_without_method_is_a_request(session, receive):
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1], method=None))
    assert received(session).invitation.meeting.status is MeetingStatus.TENTATIVE


def test_the_council_and_a_presidency_are_their_own_organisations(session, receive):
    receive(
        outlook_calendar(start=SPRING[0], end=SPRING[1], organiser="psc.chair@consilium.europa.eu"),
        sender="noreply@consilium.europa.eu",
    )
    receive(
        outlook_calendar(
            uid="presidency-1", start=AUTUMN[0], end=AUTUMN[1], organiser="events@pl2025.example"
        ),
        sender="events@pl2025.example",
    )
    codes = [
        inv.inviter.code for inv in session.scalars(select(Invitation).order_by(Invitation.id))
    ]
    assert codes[-2:] == ["EU-GSC", "EU-PL2025-EXAMPLE"]


def test_a_higher_sequence_updates_the_same_meeting_and_says_what_changed(session, receive):
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1]))
    meeting = received(session).invitation.meeting
    meetings_before = count(session, Meeting)

    summary = receive(
        outlook_calendar(
            start=AUTUMN[0].replace(hour=14),
            end=AUTUMN[1].replace(hour=17),
            sequence=2,
            location="Justus Lipsius building, Brussels",
        )
    )

    record = received(session)
    assert record.invitation.meeting is meeting
    assert count(session, Meeting) == meetings_before
    assert record.organiser_sequence == 2
    assert meeting.start_utc == datetime(2027, 10, 31, 13, 0, tzinfo=UTC)
    assert meeting.venue == "Justus Lipsius building, Brussels"
    assert [line.split(":")[0] for line in record.changes] == ["Time", "Place"]
    assert "Sun 31 Oct 2027, 14:00–17:00 (Europe/Brussels)" in record.changes[0]
    assert "Time:" in summary
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "invitation.organiser_changed")
    ).one()
    assert entry.changes["sequence"] == [0, 2]
    assert meeting.status is MeetingStatus.TENTATIVE


@pytest.mark.parametrize("sequence", [0, 1])
def test_a_stale_or_repeated_sequence_is_ignored(session, receive, sequence):
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1], sequence=1))
    meeting = received(session).invitation.meeting
    version = meeting.version

    summary = receive(
        outlook_calendar(start=AUTUMN[0], end=AUTUMN[1], sequence=sequence, summary="Moved")
    )

    assert summary.startswith("Ignored")
    assert meeting.version == version
    assert meeting.start_utc == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)
    assert received(session).organiser_sequence == 1


def test_a_cancel_cancels_the_meeting_once(session, receive):
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1]))
    cancel = outlook_calendar(start=SPRING[0], end=SPRING[1], method="CANCEL", sequence=1)

    assert "Cancelled" in receive(cancel)
    meeting = received(session).invitation.meeting
    assert meeting.status is MeetingStatus.CANCELLED
    assert receive(cancel).startswith("Ignored")
    with pytest.raises(CalendarRefused, match="cannot reopen"):
        receive(outlook_calendar(start=SPRING[0], end=SPRING[1], sequence=2))


def test_a_request_with_status_cancelled_cancels_too(session, receive):
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1]))
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1], sequence=1, status="CANCELLED"))
    assert received(session).invitation.meeting.status is MeetingStatus.CANCELLED


def test_a_private_request_makes_a_restricted_meeting(session, receive):
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1], klass="PRIVATE"))
    assert received(session).invitation.meeting.access is Access.RESTRICTED


def test_text_stays_text(session, receive):
    receive(
        outlook_calendar(
            start=SPRING[0],
            end=SPRING[1],
            summary="PSC \u202etxt.exe\u202c meeting",
            description="<script>alert(1)</script>\n<b>Agenda</b>\x07 item",
            extra=("X-ALT-DESC;FMTTYPE=text/html:<html><body><img src=x></body></html>",),
        )
    )
    meeting = received(session).invitation.meeting
    assert meeting.title == "PSC txt.exe meeting"
    assert meeting.kind.slug == "political-security-committee"
    assert meeting.description == "<script>alert(1)</script>\n<b>Agenda</b>  item"


def test_an_update_from_another_organisation_is_refused(session, receive):
    receive(outlook_calendar(start=SPRING[0], end=SPRING[1]))
    with pytest.raises(CalendarRefused, match=r"eeas\.europa\.eu"):
        receive(
            outlook_calendar(
                start=AUTUMN[0], end=AUTUMN[1], sequence=5, organiser="someone@consilium.europa.eu"
            ),
            sender="someone@consilium.europa.eu",
        )
    assert received(session).organiser_sequence == 0


def _two_methods() -> bytes:
    return outlook_calendar(start=SPRING[0], end=SPRING[1]).replace(
        b"METHOD:REQUEST\r\n", b"METHOD:REQUEST\r\nMETHOD:CANCEL\r\n"
    )


def _two_events() -> bytes:
    one = outlook_calendar(start=SPRING[0], end=SPRING[1])
    event = one[one.index(b"BEGIN:VEVENT") : one.index(b"END:VCALENDAR")]
    return one.replace(
        b"END:VCALENDAR", event.replace(b"\r\nUID:", b"\r\nUID:other-") + b"END:VCALENDAR"
    )


def _without(name: bytes) -> bytes:
    lines = outlook_calendar(start=SPRING[0], end=SPRING[1]).split(b"\r\n")
    return b"\r\n".join(line for line in lines if not line.startswith(name))


HOSTILE = {
    "two methods": (_two_methods, "several METHOD"),
    "two events": (_two_events, "2 different events"),
    "no uid": (lambda: _without(b"UID:"), "no UID"),
    "no start": (lambda: _without(b"DTSTART;TZID"), "no DTSTART"),
    "no organiser": (lambda: _without(b"ORGANIZER"), "no ORGANIZER"),
    "organiser elsewhere": (
        lambda: outlook_calendar(start=SPRING[0], end=SPRING[1], organiser="x@evil.example"),
        "not at the sender's domain",
    ),
    "organiser not an address": (
        lambda: outlook_calendar(start=SPRING[0], end=SPRING[1]).replace(
            b":mailto:anna.kowalska@eeas.europa.eu", b":https://eeas.europa.eu/x"
        ),
        "not a plain e-mail address",
    ),
    "a reply": (
        lambda: outlook_calendar(start=SPRING[0], end=SPRING[1], method="REPLY"),
        "METHOD:REPLY",
    ),
    "a series": (
        lambda: outlook_calendar(
            start=SPRING[0], end=SPRING[1], extra=("RRULE:FREQ=WEEKLY;COUNT=3",)
        ),
        "recurring",
    ),
    "negative sequence": (
        lambda: outlook_calendar(start=SPRING[0], end=SPRING[1], sequence=-1),
        "SEQUENCE is out of range",
    ),
    "ends before it starts": (
        lambda: outlook_calendar(start=SPRING[1], end=SPRING[0]),
        "ends before it starts",
    ),
    "uid with spaces": (
        lambda: outlook_calendar(start=SPRING[0], end=SPRING[1], uid="a b"),
        "UID",
    ),
    "a cancel for nothing": (
        lambda: outlook_calendar(start=SPRING[0], end=SPRING[1], method="CANCEL"),
        "never received",
    ),
    "a to-do": (
        lambda: outlook_calendar(start=SPRING[0], end=SPRING[1]).replace(
            b"END:VCALENDAR", b"BEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR"
        ),
        "VTODO",
    ),
    "a meeting already over": (
        lambda: outlook_calendar(start=datetime(2027, 1, 5, 10), end=datetime(2027, 1, 5, 12)),
        "ended",
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_malformed_or_hostile_calendars_are_refused_and_change_nothing(session, receive, name):
    build, reason = HOSTILE[name]
    meetings = count(session, Meeting)
    with pytest.raises(CalendarRefused) as refused:
        receive(build())
    assert reason in refused.value.reason
    assert count(session, Meeting) == meetings
    assert count(session, ReceivedInvitation) == 0


def test_the_uid_of_an_entente_meeting_is_refused(session, receive, make):
    ours = make.meeting()
    with pytest.raises(CalendarRefused, match="Entente itself"):
        receive(outlook_calendar(start=SPRING[0], end=SPRING[1], uid=ours.uid))
