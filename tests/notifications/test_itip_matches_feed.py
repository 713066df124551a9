"""The feed and the iTIP part write a meeting's times and product id by one rule
(app.calendar): wall clock with its TZID, UTC in the repeated autumn hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.headerregistry import Address

import pytest

from app.feeds import ical
from app.feeds.events import event_data
from app.feeds.selection import BUSY
from app.feeds.stamp import calendar_stamp
from app.notifications.itip import REQUEST, meeting_itip


def _lines(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize(
    "start",
    [
        datetime(2027, 3, 16, 10, 0),  # GMT
        datetime(2027, 7, 6, 10, 0),  # BST
        datetime(2027, 10, 31, 1, 30),  # the repeated hour: written in UTC
    ],
)
def test_feed_and_itip_write_times_and_prodid_alike(make, start):
    meeting = make.meeting(start=start, end=start + timedelta(hours=2))
    feed = _lines(
        (
            ical.calendar_head("Feed", 60)
            + ical.event_bytes(event_data(meeting, BUSY, None, (), "https://e.example"))
        ).decode()
    )
    itip = _lines(
        meeting_itip(
            meeting,
            method=REQUEST,
            stamp=calendar_stamp(meeting),
            organizer=Address("Secretariat", addr_spec="secretariat@entente.example"),
            attendee=Address("Ann", addr_spec="ann@uk.example"),
            rsvp=True,
            now=datetime(2027, 1, 1, tzinfo=UTC),
            url="https://e.example/meetings/1",
        )
    )
    assert _first(feed, "PRODID") == _first(itip, "PRODID")
    feed_event, itip_event = (lines[lines.index("BEGIN:VEVENT") :] for lines in (feed, itip))
    for name in ("DTSTART", "DTEND"):
        assert _first(feed_event, name) == _first(itip_event, name)
    if start.month == 10:
        assert _first(itip_event, "DTSTART").endswith("Z")


def _first(lines: list[str], name: str) -> str:
    return next(line for line in lines if line.startswith((name + ":", name + ";")))
