"""What a subscribed calendar shows: times across DST, changes, cancellations, restriction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.agendas.models import ItemVisibility
from app.agendas.versions import circulate
from app.auth import services as auth
from app.auth.models import Role
from app.meetings.delegations import add_participant
from app.meetings.models import Access
from app.meetings.services import cancel_meeting
from app.topics.services import update_topic
from tests.feeds.conftest import edit


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Last Sundays of March and October 2027: the 28th and the 31st.
DST_CASES = [
    # zone, local start, local end, UTC start, UTC end
    (
        "Europe/London",
        (2027, 3, 28, 0, 30),
        (2027, 3, 28, 3, 0),
        utc(2027, 3, 28, 0, 30),
        utc(2027, 3, 28, 2, 0),
    ),
    (
        "Europe/London",
        (2027, 3, 28, 9, 0),
        (2027, 3, 28, 10, 0),
        utc(2027, 3, 28, 8, 0),
        utc(2027, 3, 28, 9, 0),
    ),
    (
        "Europe/London",
        (2027, 10, 31, 0, 30),
        (2027, 10, 31, 3, 0),
        utc(2027, 10, 30, 23, 30),
        utc(2027, 10, 31, 3, 0),
    ),
    (
        "Europe/London",
        (2027, 10, 31, 1, 30),
        (2027, 10, 31, 4, 0),
        utc(2027, 10, 31, 0, 30),
        utc(2027, 10, 31, 4, 0),
    ),
    (
        "Europe/Brussels",
        (2027, 3, 28, 1, 30),
        (2027, 3, 28, 4, 0),
        utc(2027, 3, 28, 0, 30),
        utc(2027, 3, 28, 2, 0),
    ),
    (
        "Europe/Brussels",
        (2027, 3, 28, 9, 0),
        (2027, 3, 28, 10, 0),
        utc(2027, 3, 28, 7, 0),
        utc(2027, 3, 28, 8, 0),
    ),
    (
        "Europe/Brussels",
        (2027, 10, 31, 2, 30),
        (2027, 10, 31, 4, 0),
        utc(2027, 10, 31, 0, 30),
        utc(2027, 10, 31, 3, 0),
    ),
    (
        "Europe/Brussels",
        (2027, 10, 30, 23, 0),
        (2027, 10, 31, 1, 0),
        utc(2027, 10, 30, 21, 0),
        utc(2027, 10, 30, 23, 0),
    ),
]


# Local times in the repeated hour are written in UTC (readers disagree on TZID there).
AMBIGUOUS = {("Europe/London", (2027, 10, 31, 1, 30)), ("Europe/Brussels", (2027, 10, 31, 2, 30))}


@pytest.mark.parametrize(("zone", "start", "end", "utc_start", "utc_end"), DST_CASES)
def test_times_around_the_clock_changes_are_right_in_every_reader(
    feed, make, zone, start, end, utc_start, utc_end
):
    meeting = make.meeting(start=datetime(*start), end=datetime(*end), timezone=zone)
    _user, path = feed.subscribe()
    got = feed.get(path)
    (seen,) = got.events
    assert (seen.uid, seen.start, seen.end) == (meeting.uid, utc_start, utc_end)
    vevent = got.event(meeting.uid)
    ambiguous = (zone, start) in AMBIGUOUS
    assert vevent["dtstart"].params.get("TZID") == (None if ambiguous else zone)
    assert got.body.count(f"TZID:{zone}\r\n".encode()) == 1  # one VTIMEZONE per zone


def test_every_zone_used_gets_a_vtimezone_and_no_time_floats(feed, make):
    make.meeting(timezone="Europe/London")
    make.meeting(timezone="Europe/Brussels")
    make.meeting(timezone="Asia/Tokyo")
    _user, path = feed.subscribe()
    got = feed.get(path)
    zones = sorted(str(tz["tzid"]) for tz in got.calendar.walk("VTIMEZONE"))
    assert zones == ["Asia/Tokyo", "Europe/Brussels", "Europe/London"]
    for line in got.body.decode().split("\r\n"):
        if line.startswith(("DTSTART", "DTEND")) and not line.startswith(
            ("DTSTART:1", "DTSTART:2")
        ):
            assert ";TZID=" in line, line


def test_calendar_properties(feed, make):
    make.meeting()
    _user, path = feed.subscribe(label="Private office")
    calendar = feed.get(path).calendar
    assert str(calendar["version"]) == "2.0"
    assert "Entente" in str(calendar["prodid"])
    assert str(calendar["name"]) == "Private office"
    assert str(calendar["x-wr-calname"]) == "Private office"
    assert calendar["refresh-interval"].params["VALUE"] == "DURATION"
    assert str(calendar["x-published-ttl"]) == "PT60M"


def test_a_moved_meeting_keeps_its_uid_and_raises_sequence(feed, make, session):
    meeting = make.meeting()
    _user, path = feed.subscribe()
    before = feed.get(path).event(meeting.uid)
    edit(session, meeting, start=datetime(2027, 3, 17, 14, 0), end=datetime(2027, 3, 17, 16, 0))
    got = feed.get(path)
    after = got.event(meeting.uid)
    assert int(after["sequence"]) > int(before["sequence"])
    assert [(e.uid, e.start) for e in got.events] == [(meeting.uid, utc(2027, 3, 17, 14, 0))]
    assert after.decoded("last-modified") >= before.decoded("last-modified")


def test_dtstamp_is_the_last_change_not_now(feed, make, time_machine):
    time_machine.move_to(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), tick=False)
    meeting = make.meeting()
    _user, path = feed.subscribe()
    time_machine.move_to(datetime(2027, 2, 1, 9, 0, tzinfo=UTC), tick=False)
    first = feed.get(path)
    assert first.event(meeting.uid).decoded("dtstamp") == utc(2027, 1, 5, 9, 0)
    time_machine.move_to(datetime(2027, 2, 2, 9, 0, tzinfo=UTC), tick=False)
    assert feed.get(path).body == first.body


def test_a_cancelled_meeting_stays_as_cancelled_with_a_higher_sequence(feed, make, session):
    meeting = make.meeting(title="Gymnich")
    _user, path = feed.subscribe()
    before = feed.get(path).event(meeting.uid)
    cancel_meeting(session, None, meeting.id)
    session.commit()
    got = feed.get(path)
    after = got.event(meeting.uid)
    assert str(after["status"]) == "CANCELLED"
    assert str(after["summary"]) == "Cancelled: Gymnich"
    assert int(after["sequence"]) > int(before["sequence"])
    assert [e.summary for e in got.events] == ["Cancelled: Gymnich"]


def test_restricted_meetings_are_busy_blocks_for_those_who_may_not_read_them(feed, make, session):
    delegate = make.person(full_name="Priya Raman")
    meeting = make.meeting(
        title="Sanctions: next package", venue="Room 4", topics=["russia"], description="Lines"
    )
    add_participant(session, None, meeting.id, delegate.id)
    outsider, outsider_path = feed.subscribe(make.user(Role.VIEWER))
    insider = make.user(Role.VIEWER)
    insider.person_id = delegate.id
    _insider, insider_path = feed.subscribe(insider)
    _editor, editor_path = feed.subscribe(make.user(Role.EDITOR))
    internal = feed.get(outsider_path).event(meeting.uid)
    assert str(internal["summary"]) == "Sanctions: next package"
    assert "class" not in internal

    edit(session, meeting, access=Access.RESTRICTED)
    busy = feed.get(outsider_path)
    vevent = busy.event(meeting.uid)
    assert str(vevent["summary"]) == "Details restricted"
    assert str(vevent["class"]) == "PRIVATE"  # Outlook hides only Private items' details
    for hidden in ("description", "location", "categories", "url"):
        assert hidden not in vevent
    for secret in (b"Sanctions", b"Russia", b"Room 4", b"Priya"):
        assert secret not in busy.body
    assert [(e.uid, e.start) for e in busy.events] == [(meeting.uid, utc(2027, 3, 16, 10, 0))]
    for path in (insider_path, editor_path):
        full = feed.get(path).event(meeting.uid)
        assert str(full["summary"]) == "Sanctions: next package"
        assert str(full["class"]) == "PRIVATE"  # hidden from those who share their calendar
    assert outsider.role is Role.VIEWER
    auth.set_role(session, None, outsider.id, Role.EDITOR)
    session.commit()
    assert str(feed.get(outsider_path).event(meeting.uid)["summary"]) == "Sanctions: next package"


def test_topic_removed_leaves_the_topic_feed_and_the_categories(feed, make, session):
    make.topic(slug="hybrid", name="Hybrid threats")
    meeting = make.meeting(topics=["russia", "hybrid"])
    _user, topic_path = feed.subscribe(scope="topic:hybrid")
    _user, all_path = feed.subscribe()
    assert feed.get(topic_path).uids() == {meeting.uid}
    categories = feed.get(all_path).event(meeting.uid)["categories"]
    assert sorted(categories.cats) == ["Hybrid threats", "Russia"]
    edit(session, meeting, topics=["russia"])
    assert feed.get(topic_path).uids() == set()
    after = feed.get(all_path).event(meeting.uid)
    assert list(after["categories"].cats) == ["Russia"]
    assert "Hybrid" not in str(after["description"])


def test_description_has_topics_delegation_agenda_headline_and_link(feed, make, session):
    meeting = make.meeting(topics=["russia"], description="Semi-annual round.")
    uk_person = make.person(
        full_name="Eleanor Hartley", honorific="Rt Hon", position="Foreign Secretary"
    )
    add_participant(session, None, meeting.id, uk_person.id)
    opening = make.item(meeting, "Opening remarks")
    make.item(meeting, "Sanctions", parent=opening)
    make.item(meeting, "UK line to take", visibility=ItemVisibility.UK)
    make.item(meeting, "Any other business")
    circulate(session, None, meeting.id)
    _user, path = feed.subscribe()
    text = str(feed.get(path).event(meeting.uid)["description"])
    assert text.startswith("Semi-annual round.")
    assert "Topics: Russia" in text
    assert "UK delegation: Rt Hon Eleanor Hartley (Foreign Secretary)" in text
    assert "Agenda:\n1. Opening remarks\n2. Any other business" in text
    assert "Sanctions" not in text  # not top level
    assert "UK line" not in text  # one side only
    assert text.endswith(f"/meetings/{meeting.id}")


def test_agenda_topic_and_delegate_renames_reach_the_feed_with_a_higher_sequence(
    feed, make, session
):
    topic = make.topic(slug="balkans", name="Balkans")
    person = make.person(full_name="Anna Kowalska")
    meeting = make.meeting(topics=["balkans"])
    add_participant(session, None, meeting.id, person.id)
    _user, path = feed.subscribe()
    sequences = [int(feed.get(path).event(meeting.uid)["sequence"])]
    make.item(meeting, "Enlargement")
    for change in (
        lambda: circulate(session, None, meeting.id),
        lambda: update_topic(session, None, topic.id, name="Balkan states"),
        lambda: setattr(person, "full_name", "Anna Nowak"),  # no people service renames yet
    ):
        change()
        session.commit()
        sequences.append(int(feed.get(path).event(meeting.uid)["sequence"]))
    text = str(feed.get(path).event(meeting.uid)["description"])
    assert "1. Enlargement" in text
    assert "Balkan states" in text
    assert "Anna Nowak" in text
    assert sequences == sorted(set(sequences))  # strictly rising


def test_the_agenda_shown_is_the_circulated_one_never_the_draft(feed, make, session):
    """Draft items are the editors' work in progress: a reader of the meeting page does not
    see them, so neither does anyone's feed, nor the public feed."""
    meeting = make.meeting(access=Access.PUBLIC)
    make.item(meeting, "Opening remarks")
    make.item(meeting, "Sanctions package (draft line)")
    _reader, reader_path = feed.subscribe(make.user(Role.VIEWER))
    _editor, editor_path = feed.subscribe(make.user(Role.EDITOR))
    paths = (reader_path, editor_path, "/feeds/public.ics")
    for path in paths:
        got = feed.get(path)
        assert b"Sanctions" not in got.body
        assert "Agenda" not in str(got.event(meeting.uid).get("description", ""))
    sequence = int(feed.get(reader_path).event(meeting.uid)["sequence"])

    circulate(session, None, meeting.id)
    session.commit()
    circulated = feed.get(reader_path).event(meeting.uid)
    assert "Agenda:\n1. Opening remarks\n2. Sanctions package (draft line)" in str(
        circulated["description"]
    )
    assert int(circulated["sequence"]) > sequence

    make.item(meeting, "Later draft item")
    session.commit()
    for path in paths:
        assert b"Later draft" not in feed.get(path).body.replace(b"\r\n ", b"")


def test_scopes_select_their_meetings(feed, make, session):
    fcdo = make.organisation(code="UK-FCDO-T")
    person = make.person(organisation=fcdo)
    chaired = make.meeting(title="Chaired", chair_id=person.id)
    delegated = make.meeting(title="Delegated", kind="working-group")
    add_participant(session, None, delegated.id, person.id)
    hosted = make.meeting(title="Hosted", host_organisation_id=fcdo.id)
    invited = make.meeting(title="Invited")
    make.invitation(invited, invitee_id=fcdo.id)
    make.meeting(title="Other")
    cases = {
        f"person:{person.id}": {chaired.uid, delegated.uid},
        f"organisation:{fcdo.code}": {delegated.uid, hosted.uid, invited.uid},
        "kind:working-group": {delegated.uid},
    }
    for scope, expected in cases.items():
        _user, path = feed.subscribe(scope=scope)
        assert feed.get(path).uids() == expected, scope
