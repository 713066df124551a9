"""Whatever order an organiser's REQUESTs arrive in, repeated or not, the meeting ends up as
the highest SEQUENCE says: older and repeated ones change nothing."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.invitations.models import ReceivedInvitation
from tests.received.messages import outlook_calendar

FIRST = datetime(2027, 10, 4, 9, 0)
_runs = itertools.count()


def request(uid: str, sequence: int) -> bytes:
    """Version `sequence` of the meeting: a day later, and a venue of its own, per version."""
    start = FIRST + timedelta(days=sequence)
    return outlook_calendar(
        uid=uid,
        sequence=sequence,
        start=start,
        end=start + timedelta(hours=2),
        location=f"Room {sequence}",
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(order=st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=8))
def test_the_highest_sequence_wins_in_any_order(session, receive, order):
    uid = f"order-{next(_runs)}@eeas.europa.eu"
    for sequence in order:
        receive(request(uid, sequence))
    record = session.scalars(
        select(ReceivedInvitation).where(ReceivedInvitation.organiser_uid == uid)
    ).one()
    meeting = record.invitation.meeting
    assert record.organiser_sequence == max(order)
    assert meeting.venue == f"Room {max(order)}"
    assert meeting.start_utc.date() == (FIRST + timedelta(days=max(order))).date()
