"""The event cache: a request joins stored bytes and rebuilds only what changed."""

from __future__ import annotations

from sqlalchemy import select

from app.agendas.versions import circulate
from app.feeds import services as feeds
from app.feeds.cache import forget_memory, render_feed
from app.feeds.models import FeedEventCache
from tests.feeds.conftest import edit


def _render(session, user_and_path):
    user, _path = user_and_path
    subscription = feeds.list_subscriptions(session, user)[0]
    plan = feeds.plan_for_subscription(
        session,
        subscription,
        base_url="http://entente.test",
        refresh_minutes=60,
        home_zone="Europe/London",
    )
    return render_feed(session, plan)


def test_only_changed_events_are_rebuilt_and_the_rest_come_from_the_cache(feed, make, session):
    meetings = [make.meeting(title=f"Round {n}") for n in range(5)]
    subscribed = feed.subscribe()
    first = feed.get(subscribed[1])
    stored = session.scalars(select(FeedEventCache.meeting_id)).all()
    assert sorted(stored) == sorted(m.id for m in meetings)

    assert _render(session, subscribed).rebuilt == []  # all from this process's memory
    forget_memory()
    again = _render(session, subscribed)
    assert again.rebuilt == []  # all from the table
    assert again.body == first.body

    edit(session, meetings[2], title="Round 2, moved")
    changed = _render(session, subscribed)
    assert [row["meeting_id"] for row in changed.rebuilt] == [meetings[2].id]
    assert b"Round 2\\, moved" in changed.body
    make.item(meetings[4], "New agenda item")
    session.commit()
    assert _render(session, subscribed).rebuilt == []  # a draft shows nowhere
    circulate(session, None, meetings[4].id)
    session.commit()
    assert [row["meeting_id"] for row in _render(session, subscribed).rebuilt] == [meetings[4].id]


def test_a_changed_base_url_rebuilds_links(feed, make, session):
    meeting = make.meeting()
    subscribed = feed.subscribe()
    feed.get(subscribed[1])
    user, _path = subscribed
    subscription = feeds.list_subscriptions(session, user)[0]
    plan = feeds.plan_for_subscription(
        session,
        subscription,
        base_url="https://calendar.example",
        refresh_minutes=30,
        home_zone="Europe/London",
    )
    rendered = render_feed(session, plan)
    assert f"https://calendar.example/meetings/{meeting.id}".encode() in rendered.body.replace(
        b"\r\n ", b""
    )
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT30M" in rendered.body
