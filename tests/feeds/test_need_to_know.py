"""Scoped feeds tell a reader no more than the pages and the API do (issue 11, item 2).

A scope is evaluated only over what the reader may read; a restricted meeting they may not
read is busy time only in their "all" feed and in the feed of the person their account is
linked to.
"""

from __future__ import annotations

from app.auth.models import Role
from app.meetings.delegations import add_participant
from app.meetings.filters import MeetingFilter
from app.meetings.models import Access
from app.meetings.queries import list_meetings
from app.people.models import Side

# The calendar may be named after the person chosen; the meeting's details never show.
SECRETS = (b"Nightjar", b"Kestrel Room", b"UK delegation")


def _setup(make, session):
    org = make.organisation(Side.UK, code="UK-NTK")
    chair = make.person(org, full_name="Charles Chair")
    delegate = make.person(org, full_name="Priya Delegate")
    secret = make.meeting(
        title="Nightjar talks",
        venue="Kestrel Room",
        access=Access.RESTRICTED,
        topics=["east-asia"],
        kind="strategic-consultation",
        host_organisation_id=org.id,
        chair_id=chair.id,
    )
    add_participant(session, None, secret.id, delegate.id)
    session.commit()
    return org, chair, delegate, secret


SCOPES = ("topic:east-asia", "kind:strategic-consultation", "organisation:UK-NTK")


def test_a_scoped_feed_leaves_out_what_the_reader_may_not_read(feed, make, session):
    _org, chair, delegate, secret = _setup(make, session)
    outsider = make.user(Role.VIEWER)
    session.commit()
    listed, _ = list_meetings(session, outsider, MeetingFilter(topic="east-asia"))
    assert listed == []  # the API and the pages list none
    for scope in (*SCOPES, f"person:{delegate.id}", f"person:{chair.id}"):
        _user, path = feed.subscribe(outsider, scope=scope)
        got = feed.get(path)
        assert got.events == [], scope
        assert not [s for s in SECRETS if s in got.body], scope
    _user, path = feed.subscribe(outsider)
    everything = feed.get(path)  # their "all" feed: busy time, no details
    assert [(e.uid, e.summary) for e in everything.events] == [(secret.uid, "Details restricted")]
    assert not [s for s in SECRETS if s in everything.body]


def test_the_linked_person_s_own_feed_shows_busy_time(feed, make, session):
    _org, chair, _delegate, secret = _setup(make, session)
    chair_user = make.user(Role.VIEWER)
    chair_user.person_id = chair.id  # chairs it, not in the delegation: may not read it
    session.commit()
    _user, path = feed.subscribe(chair_user, scope=f"person:{chair.id}")
    got = feed.get(path)
    assert [(e.uid, e.summary) for e in got.events] == [(secret.uid, "Details restricted")]
    assert not [s for s in SECRETS if s in got.body]


def test_readers_who_may_read_it_see_it_in_every_scope(feed, make, session):
    _org, _chair, delegate, _secret = _setup(make, session)
    insider = make.user(Role.VIEWER)
    insider.person_id = delegate.id
    session.commit()
    for user in (insider, make.user(Role.EDITOR)):
        for scope in (*SCOPES, f"person:{delegate.id}"):
            _user, path = feed.subscribe(user, scope=scope)
            assert [e.summary for e in feed.get(path).events] == ["Nightjar talks"], scope
