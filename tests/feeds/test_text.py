"""Text that breaks naive feeds: escaping, folding at 75 octets, CRLF, injected properties."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.feeds import ical
from app.meetings.models import MeetingStatus

LONG_WORD = "Überwachungsausschuss" * 24  # 504 characters, no space to break at
NASTY_TITLES = [
    "Russia, Ukraine; sanctions",
    "Back\\slash \\n not a newline \\, not a comma",
    "Two\nlines\r\nand a CR\r!",
    "Emoji 🇬🇧🤝🇪🇺 and 👩🏽‍💼 and ZWJ",
    "Ünïcödé — «quotes» “curly” 中文 العربية",
    "x" * 300,
    "SUMMARY:fake\nDTSTART:19700101T000000Z\nEND:VEVENT\nBEGIN:VEVENT\nUID:injected",
]


def physical_lines(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line
        assert b"\n" not in line
    return lines


def assert_well_formed(body: bytes) -> None:
    """CRLF only, no physical line over 75 octets, none splitting a UTF-8 character."""
    for line in physical_lines(body):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a split multi-byte character would fail here


def test_nasty_titles_survive_every_reader(feed, make):
    # Titles with line breaks are refused now (app.core.validation.text); older rows may
    # still hold them, and every reader must cope.
    meetings = [make.stored_as(make.meeting(), title=title) for title in NASTY_TITLES]
    make.meeting(title="Long word", description=LONG_WORD, venue=LONG_WORD[:300])
    _user, path = feed.subscribe()
    got = feed.get(path)
    assert_well_formed(got.body)
    summaries = {e.uid: e.summary for e in got.events}
    for meeting in meetings:
        expected = ical.clean_text(meeting.title).strip()
        assert summaries[meeting.uid] == expected
    assert len(got.vevents()) == len(NASTY_TITLES) + 1
    assert b"\r\nUID:injected" not in got.body
    long_event = next(e for e in got.vevents() if str(e["summary"]) == "Long word")
    assert LONG_WORD in str(long_event["description"])


def event_with(**text: str) -> ical.EventData:
    return ical.EventData(
        uid="test@entente",
        sequence=3,
        changed_at=datetime(2027, 1, 1, tzinfo=UTC),
        start=datetime(2027, 3, 28, 9, tzinfo=UTC),
        end=datetime(2027, 3, 28, 11, tzinfo=UTC),
        timezone="Europe/London",
        status=MeetingStatus.CONFIRMED,
        **text,  # type: ignore[arg-type]
    )


EXPECTED_PROPERTIES = {
    "UID",
    "DTSTAMP",
    "LAST-MODIFIED",
    "SEQUENCE",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "STATUS",
    "TRANSP",
    "LOCATION",
    "DESCRIPTION",
    "CATEGORIES",
    "URL",
}
any_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200)
any_text_with_surrogates = st.text(max_size=200)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=any_text_with_surrogates,
    location=any_text,
    description=any_text,
    topics=st.lists(any_text, max_size=3),
    agenda=st.lists(any_text, max_size=3),
)
def test_arbitrary_text_never_breaks_a_feed_or_injects_a_property(
    title, location, description, topics, agenda
):
    data = event_with(
        title=title,
        location=location,
        description=description,
        topics=tuple(topics),
        agenda=tuple(agenda),
    )
    head = ical.calendar_head(title or "Feed", 60)
    body = head + ical.vtimezone_bytes("Europe/London", 2026, 2028) + ical.event_bytes(data)
    body += ical.END_CALENDAR
    assert_well_formed(body)
    calendar = icalendar.Calendar.from_ical(body)
    (event,) = calendar.walk("VEVENT")
    assert set(event.keys()) <= EXPECTED_PROPERTIES
    assert str(event["uid"]) == "test@entente"
    assert str(event["summary"]) == ical.summary_of(data)
    assert event.decoded("dtstart") == datetime(2027, 3, 28, 9, tzinfo=UTC)
    assert int(event["sequence"]) == 3
    if "description" in event:
        assert str(event["description"]) == ical.description_of(data)
    if "location" in event:
        assert str(event["location"]) == ical.clean_text(location).strip()
    unfolded = body.replace(b"\r\n ", b"").split(b"\r\n")
    name = " ".join(ical.clean_text(title or "Feed").split())
    assert b"NAME:" + ical.Text(name).to_ical() in unfolded
    names = {line.split(b":")[0].split(b";")[0] for line in unfolded if line}
    assert b"UID" in names
    assert sum(1 for line in unfolded if line.startswith(b"UID:")) == 1
