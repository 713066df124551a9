"""Whatever text an organiser's event carries (control characters, bidirectional overrides,
backslashes, any script, any length), the invitation is applied: the text is cleaned, never a
crash and never a reason to quarantine; what is stored is single-line where it must be and
within the lengths kept."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.core.validation import BIDI_CONTROLS
from app.invitations.received_calendar import receive_from_organiser
from app.meetings.models import Meeting
from tests.received.conftest import NOW
from tests.received.messages import ORGANISER, SENDER

_uids = itertools.count()
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)


def calendar(summary: str, location: str, description: str) -> icalendar.Calendar:
    event = icalendar.Event()
    event.add("uid", f"any-text-{next(_uids)}@eeas.europa.eu")
    event.add("dtstamp", NOW)
    event.add("dtstart", datetime(2027, 10, 31, 9, 0, tzinfo=UTC))
    event.add("dtend", datetime(2027, 10, 31, 12, 0, tzinfo=UTC))
    event.add("organizer", f"mailto:{ORGANISER}")
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    cal = icalendar.Calendar()
    cal.add("method", "REQUEST")
    cal.add_component(event)
    # Through bytes, as the pipeline gets it.
    return icalendar.Calendar.from_ical(cal.to_ical())


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(summary=TEXT, location=TEXT, description=st.text(max_size=12000) | TEXT)
def test_any_text_is_cleaned_and_applied(session, uk, frozen, summary, location, description):
    summary_line = receive_from_organiser(
        session,
        calendar(summary, location, description),
        sender=SENDER,
        received_at=NOW,
    )
    assert summary_line.startswith("Received invitation")
    meeting = session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()
    assert meeting is not None
    for single_line in (meeting.title, meeting.venue):
        assert single_line == single_line.strip()
        assert not any(ord(c) < 32 or c in BIDI_CONTROLS for c in single_line)
    assert meeting.title
    assert len(meeting.title) <= 300
    assert len(meeting.description) <= 10000
    assert not any(c in BIDI_CONTROLS or c == "\x00" for c in meeting.description)
