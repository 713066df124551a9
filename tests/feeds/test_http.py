"""HTTP behaviour of the feeds: type, validators, 304s, encodings, public feed."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from app.auth.models import Role
from app.meetings.models import Access
from tests.feeds.conftest import edit


def test_feed_is_text_calendar_with_strong_validators(feed, make):
    make.meeting(title="Strategic consultation")
    _user, path = feed.subscribe()
    got = feed.get(path)
    assert got.status == 200
    assert got.headers["Content-Type"] == "text/calendar; charset=utf-8"
    etag = got.headers["ETag"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    assert "Last-Modified" in got.headers
    assert "Content-Encoding" not in got.headers
    assert got.headers["Content-Disposition"] == 'inline; filename="entente.ics"'
    assert [e.summary for e in got.events] == ["Strategic consultation"]


def test_head_answers_like_get_without_a_body(feed, make):
    make.meeting()
    _user, path = feed.subscribe()
    got = feed.get(path)
    head = feed.client.head(path)
    assert head.status_code == 200
    assert head.data == b""
    for name in ("ETag", "Last-Modified", "Content-Type", "Content-Disposition"):
        assert head.headers[name] == got.headers[name]
    assert int(head.headers["Content-Length"]) == len(got.body)
    again = feed.client.head(path, headers={"If-None-Match": got.headers["ETag"]})
    assert again.status_code == 304


def test_an_empty_feed_still_holds_a_component(feed):
    """RFC 5545 wants at least one component in a calendar (some readers refuse one without):
    a feed with no meetings carries the home zone's VTIMEZONE."""
    got = feed.get("/feeds/public.ics")
    assert got.status == 200
    assert got.events == []
    (zone,) = got.calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/London"
    assert got.headers["Content-Disposition"] == 'inline; filename="public.ics"'


def test_if_none_match_gives_304_with_no_body_until_something_changes(feed, make, session):
    meeting = make.meeting()
    _user, path = feed.subscribe()
    first = feed.get(path)
    again = feed.get(path, **{"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    assert again.body == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    edit(session, meeting, title="Renamed")
    changed = feed.get(path, **{"If-None-Match": first.headers["ETag"]})
    assert changed.status == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert [e.summary for e in changed.events] == ["Renamed"]


def test_if_modified_since_gives_304_only_when_nothing_is_newer(feed, make):
    make.meeting()
    _user, path = feed.subscribe()
    first = feed.get(path)
    last_modified = first.headers["Last-Modified"]
    assert feed.get(path, **{"If-Modified-Since": last_modified}).status == 304
    later = format_datetime(datetime.now(UTC) + timedelta(days=1), usegmt=True)
    assert feed.get(path, **{"If-Modified-Since": later}).status == 304
    earlier = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    assert feed.get(path, **{"If-Modified-Since": earlier}).status == 200


def test_if_none_match_wins_over_if_modified_since(feed, make):
    make.meeting()
    _user, path = feed.subscribe()
    first = feed.get(path)
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": first.headers["Last-Modified"]}
    assert feed.get(path, **headers).status == 200


def test_same_body_whatever_the_accept_header(feed, make):
    make.meeting()
    _user, path = feed.subscribe()
    bodies = {
        feed.get(path, Accept=accept).body
        for accept in ("text/calendar", "application/json", "text/html", "*/*", "image/png")
    }
    assert len(bodies) == 1


def test_gzip_only_when_asked_and_with_its_own_etag(feed, make):
    make.meeting()
    _user, path = feed.subscribe()
    plain = feed.get(path)
    zipped = feed.get(path, **{"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.body) == plain.body
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert (
        feed.get(
            path, **{"If-None-Match": zipped.headers["ETag"], "Accept-Encoding": "gzip"}
        ).status
        == 304
    )


def test_public_feed_needs_no_token_and_holds_public_meetings_only(feed, make):
    public = make.meeting(title="Open day", access=Access.PUBLIC)
    make.meeting(title="Internal", access=Access.INTERNAL)
    make.meeting(title="Secret", access=Access.RESTRICTED)
    got = feed.get("/feeds/public.ics")
    assert got.status == 200
    assert got.uids() == {public.uid}
    assert b"Internal" not in got.body
    assert b"Secret" not in got.body
    assert feed.get("/feeds/public.ics", **{"If-None-Match": got.headers["ETag"]}).status == 304


def test_the_subscriptions_page_needs_sign_in(feed):
    response = feed.client.get("/feeds/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert Role.VIEWER
