"""A feed's body and validators follow everything that decides its content (issue 11).

Item 1: an organisation's feed follows its invitations; the ETag is the body's; two app
instances (two memories) agree. Item 5: Last-Modified moves with the ETag, even twice in a
second, per subscription. Item 6: Accept-Encoding q-values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from app.auth import services as auth
from app.auth.models import Role
from app.feeds.cache import FeedMemory
from app.meetings.delegations import add_participant
from app.meetings.filters import MeetingFilter
from app.meetings.models import Access
from app.meetings.queries import list_meetings
from app.people.models import Side
from tests.feeds.conftest import edit


def _lm(got) -> datetime:
    return parsedate_to_datetime(got.headers["Last-Modified"])


def test_an_organisation_feed_follows_a_new_invitation(feed, make, session):
    """Was: same ETag, old body, 304 on the old ETag after the invitation."""
    org = make.organisation(Side.EU, code="EU-EUMS")
    meeting = make.meeting(title="Capability talks")
    _user, path = feed.subscribe(scope="organisation:EU-EUMS")
    first = feed.get(path)
    assert first.events == []
    make.invitation(meeting, invitee_id=org.id)
    session.commit()
    again = feed.get(path, **{"If-None-Match": first.headers["ETag"]})
    assert again.status == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assert again.uids() == {meeting.uid}
    assert _lm(again) > _lm(first)


def test_the_feed_lists_what_the_api_lists_for_an_organisation(feed, make, session):
    """One rule (app.meetings.involvement) for the list pages, the API and the feeds."""
    org = make.organisation(Side.UK, code="UK-CO")
    hosted = make.meeting(host_organisation_id=org.id)
    delegate = make.meeting()
    add_participant(session, None, delegate.id, make.person(org).id)
    invited = make.meeting()
    make.invitation(invited, inviter_id=org.id)
    make.meeting()  # not involved
    session.commit()
    _user, path = feed.subscribe(scope="organisation:UK-CO")
    listed, _total = list_meetings(session, None, MeetingFilter(organisation_id=org.id))
    expected = {hosted.uid, delegate.uid, invited.uid}
    assert {m.uid for m in listed} == expected
    for _ in range(3):  # whichever worker (memory) answers
        assert feed.get(path).uids() == expected


def test_two_app_instances_serve_the_same_body_under_the_same_etag(feed, make, session, app):
    make.meeting()
    _user, path = feed.subscribe()
    first = feed.get(path)
    original = app.extensions["entente.feed_memory"]
    app.extensions["entente.feed_memory"] = FeedMemory()  # another worker, memory empty
    try:
        other = feed.get(path)
        assert (other.body, other.headers["ETag"]) == (first.body, first.headers["ETag"])
        assert other.headers["Last-Modified"] == first.headers["Last-Modified"]
        org = make.organisation(code="UK-NEW")
        make.meeting(host_organisation_id=org.id)
        session.commit()
        changed = feed.get(path)
    finally:
        app.extensions["entente.feed_memory"] = original
    back = feed.get(path)  # the first worker, its memory holding the old calendar
    assert (back.body, back.headers["ETag"]) == (changed.body, changed.headers["ETag"])
    assert back.headers["ETag"] != first.headers["ETag"]


def test_a_role_change_moves_etag_and_last_modified_together(feed, make, session, time_machine):
    """Was: a role change moved only the ETag; If-Modified-Since then answered 304."""
    time_machine.move_to(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), tick=False)
    make.meeting(title="Kestrel", access=Access.RESTRICTED)
    user, path = feed.subscribe(make.user(Role.VIEWER))
    first = feed.get(path)
    assert [e.summary for e in first.events] == ["Details restricted"]
    time_machine.shift(3600)
    auth.set_role(session, None, user.id, Role.EDITOR)
    session.commit()
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    again = feed.get(path, **since)
    assert again.status == 200
    assert [e.summary for e in again.events] == ["Kestrel"]
    assert again.headers["ETag"] != first.headers["ETag"]
    assert _lm(again) > _lm(first)


def test_two_edits_within_a_second_never_give_a_304_for_the_second(
    feed, make, session, time_machine
):
    time_machine.move_to(datetime(2027, 1, 5, 9, 0, 0, 100_000, tzinfo=UTC), tick=False)
    meeting = make.meeting(title="First")
    _user, path = feed.subscribe()
    first = feed.get(path)
    time_machine.shift(0.2)
    edit(session, meeting, title="Second")
    second = feed.get(path, **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert second.status == 200
    assert [e.summary for e in second.events] == ["Second"]
    time_machine.shift(0.2)
    edit(session, meeting, title="Third")
    third = feed.get(path, **{"If-Modified-Since": second.headers["Last-Modified"]})
    assert third.status == 200
    assert [e.summary for e in third.events] == ["Third"]
    assert _lm(first) < _lm(second) < _lm(third)
    unchanged = feed.get(path, **{"If-Modified-Since": third.headers["Last-Modified"]})
    assert unchanged.status == 304


def test_if_none_match_decides_alone_even_with_an_old_if_modified_since(feed, make):
    make.meeting()
    _user, path = feed.subscribe()
    first = feed.get(path)
    headers = {
        "If-None-Match": first.headers["ETag"],
        "If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT",
    }
    assert feed.get(path, **headers).status == 304


def test_gzip_refused_with_q_zero_is_not_sent(feed, make):
    make.meeting()
    _user, path = feed.subscribe()
    plain = feed.get(path)
    for refusal in ("gzip;q=0, identity", "identity, gzip;q=0.0", "*;q=0, identity"):
        got = feed.get(path, **{"Accept-Encoding": refusal})
        assert "Content-Encoding" not in got.headers, refusal
        assert (got.body, got.headers["ETag"]) == (plain.body, plain.headers["ETag"])
    zipped = feed.get(path, **{"Accept-Encoding": "identity;q=0.5, gzip;q=0.8"})
    assert zipped.headers["Content-Encoding"] == "gzip"
