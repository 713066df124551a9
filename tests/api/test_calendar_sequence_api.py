"""The API's `sequence` of a meeting is the calendar SEQUENCE its feed events and iTIP e-mails
carry (app.feeds.stamp), not the meeting row's part of it."""

from __future__ import annotations

import icalendar

from app.agendas.versions import circulate
from app.auth.models import Role
from app.feeds import services as feeds
from app.feeds.stamp import current_stamp


def test_the_api_sequence_is_the_feeds_sequence(make, session, client, editor):
    meeting = make.meeting()
    make.item(meeting, "Opening")
    circulate(session, None, meeting.id)  # shows in the feed, not in the meeting row
    _subscription, token = feeds.create_subscription(session, make.user(Role.EDITOR), "all")
    session.commit()
    feed = icalendar.Calendar.from_ical(client.get(f"/feeds/{token}.ics").data)
    [event] = [e for e in feed.walk("VEVENT") if str(e["uid"]) == meeting.uid]
    in_feed = int(event["sequence"])
    assert in_feed == current_stamp(session, meeting).sequence > meeting.sequence

    assert editor.get(f"/meetings/{meeting.id}").get_json()["sequence"] == in_feed
    listed = editor.get("/meetings").get_json()["items"]
    assert [m["sequence"] for m in listed if m["id"] == meeting.id] == [in_feed]
