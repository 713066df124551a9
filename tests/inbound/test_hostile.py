"""Hostile or broken mail goes to the quarantine with the reason; nothing of it is applied."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.core import clock
from app.inbound.models import EmailReply, InboundOutcome, InboundSource, QuarantinedMessage
from app.inbound.services import Incoming, process_batch
from app.invitations.models import InvitationStatus
from tests.inbound.conftest import process, seq
from tests.inbound.messages import Answer, calendar_email, plain_email

EVENT = (
    "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270401T090000Z\r\nDTSTART:20270504T090000Z\r\n"
    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:{attendee}\r\n"
    "ORGANIZER:mailto:secretariat@entente.example\r\nEND:VEVENT\r\n"
)


def _calendar(body: str, method: str = "REPLY") -> str:
    head = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nMETHOD:{method}\r\n"
    return f"{head}{body}END:VCALENDAR\r\n"


def _hostile(invited, case: str) -> bytes:
    uid, address = invited.meeting.uid, invited.address
    event = EVENT.format(uid=uid, attendee=address)
    match case:
        case "outside the allow-list":
            return Answer(uid, "someone@evil.example").email()
        case "html only":
            return plain_email(
                "<p>I accept</p><img src='https://x.example/t.gif'>", sender=address, html=True
            )
        case "no calendar":
            return plain_email("I accept, see you there.", sender=address)
        case "two methods in the part and the header":
            return calendar_email(_calendar(event), sender=address, param="REQUEST")
        case "two METHOD properties":
            return calendar_email(
                _calendar(event).replace("METHOD:REPLY\r\n", "METHOD:REPLY\r\nMETHOD:CANCEL\r\n"),
                sender=address,
            )
        case "hundreds of events":
            return calendar_email(_calendar(event * 300), sender=address)
        case "not iCalendar":
            return calendar_email("this is not a calendar\r\n", sender=address)
        case "broken property":
            return calendar_email(
                _calendar(event.replace("20270504T090000Z", "2027-05-04")), sender=address
            )
        case "unbalanced":
            return calendar_email(
                "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VCALENDAR\r\n", sender=address
            )
        case "organizer is not the secretariat":
            return Answer(uid, address, organizer="brussels@eu.example").email()
        case "unsupported method":
            return calendar_email(_calendar(event, "REFRESH"), sender=address, method="REFRESH")
    raise AssertionError(case)


REASONS = {
    "outside the allow-list": "outside the allow-list",
    "html only": "HTML-only",
    "no calendar": "No calendar object",
    "two methods in the part and the header": "Several METHODs",
    "two METHOD properties": "Several METHODs",
    "hundreds of events": "Too many events",
    "not iCalendar": "Malformed iCalendar",
    "broken property": "Malformed iCalendar: DTSTART",
    "unbalanced": "Malformed iCalendar",
    "organizer is not the secretariat": "not the secretariat",
    "unsupported method": "Unsupported METHOD REFRESH",
}


@pytest.mark.parametrize("case", sorted(REASONS))
def test_hostile_mail_is_quarantined_with_its_reason(session, inbound_settings, invited, case):
    raw = _hostile(invited, case)
    [row] = process(session, inbound_settings, raw)
    assert row.outcome is InboundOutcome.QUARANTINED
    held = session.scalars(select(QuarantinedMessage)).one()
    assert REASONS[case] in held.reason
    assert held.raw == raw
    assert held.sender == row.sender
    assert held.received_at is not None
    assert invited.invitation.status is InvitationStatus.INVITED
    assert session.scalars(select(EmailReply)).all() == []


def test_a_message_over_the_size_limit_is_quarantined_unread(session, inbound_settings, invited):
    settings = inbound_settings.replace(inbound_imap_max_message_bytes=4096)
    answer = Answer(invited.meeting.uid, invited.address, sequence=seq(session, invited))
    answer.comment = "x" * 5000
    raw = answer.email()
    [row] = process_batch(
        session, settings, [Incoming(raw, len(raw))], source=InboundSource.UPLOAD, now=clock.now()
    )
    held = session.scalars(select(QuarantinedMessage)).one()
    assert "Over the size limit" in held.reason
    assert row.outcome is InboundOutcome.QUARANTINED
    assert invited.invitation.status is InvitationStatus.INVITED
    # The same reply under the limit is applied: the limit, not the content, refused it.
    answer.comment, answer.message_id = "", "<small@uk.example>"
    [row] = process(session, settings, answer.email())
    assert row.outcome is InboundOutcome.APPLIED


def test_addresses_match_whatever_their_case(session, inbound_settings, invited):
    shouting = invited.address.replace("jane.doe@uk", "Jane.Doe@UK")
    answer = Answer(invited.meeting.uid, shouting, sequence=seq(session, invited))
    [row] = process(session, inbound_settings, answer.email())
    assert row.outcome is InboundOutcome.APPLIED
    assert invited.invitation.status is InvitationStatus.ACCEPTED


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    noise=st.binary(max_size=3000),
    calendar=st.text(
        alphabet=st.sampled_from(list('BEGIN:VCALENDAREVTMHOD;=\r\n"\\,é€\x00 ')), max_size=400
    ),
)
def test_any_bytes_are_logged_and_quarantined_never_an_error(
    session, inbound_settings, invited, noise, calendar
):
    sender = invited.address
    for raw in (noise, calendar_email(calendar, sender=sender), b"BEGIN:VCALENDAR\r\n" + noise):
        rows = process(session, inbound_settings, raw)
        assert all(
            row.outcome in {InboundOutcome.QUARANTINED, InboundOutcome.DUPLICATE} for row in rows
        )
        # refused for a stated reason, not caught as an unexpected error
        assert not [row.summary for row in rows if row.summary.startswith("Could not be")]
    assert invited.invitation.status is InvitationStatus.INVITED
