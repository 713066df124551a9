"""Subscriptions: tokens, scopes, revoke, rotate, audit, and the feed URL's answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import services as auth
from app.auth.models import Role
from app.core.errors import NotFound, ValidationError
from app.core.security import hash_token
from app.feeds import services as feeds
from app.feeds.models import FeedScope, FeedSubscription


def test_create_returns_a_256_bit_token_shown_once_and_stores_only_its_hash(session, make):
    user = make.user()
    subscription, token = feeds.create_subscription(session, user, "all")
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert subscription.token_hash == hash_token(token)
    assert token not in subscription.token_hash
    other = feeds.create_subscription(session, user, "all")[1]
    assert other != token


@pytest.mark.parametrize(
    ("scope", "ref", "message"),
    [
        ("topic", "no-such-topic", "No topic area with slug 'no-such-topic'"),
        ("organisation", "NOPE", "No organisation with code 'NOPE'"),
        ("person", "999999", "No person with id '999999'"),
        ("person", "abc", "No person with id 'abc'"),
        ("kind", "no-such-kind", "No meeting kind with slug 'no-such-kind'"),
        ("topic", "", "Give a value for the scope topic"),
        ("all", "extra", "The scope 'all' takes no value"),
    ],
)
def test_scope_must_point_at_something_that_exists(session, make, scope, ref, message):
    with pytest.raises(ValidationError) as error:
        feeds.create_subscription(session, make.user(), scope, ref)
    assert error.value.message == message
    assert error.value.field == "scope"


def test_every_scope_kind_is_accepted_when_its_target_exists(session, make):
    user = make.user()
    person = make.person()
    organisation = make.organisation(code="UK-SCOPE")
    for text in (
        "all",
        "topic:russia",
        f"organisation:{organisation.code}",
        f"person:{person.id}",
        "kind:strategic-consultation",
    ):
        scope, ref = feeds.parse_scope(text)
        subscription, _token = feeds.create_subscription(session, user, scope, ref)
        assert (subscription.scope.value, subscription.scope_ref) == (scope.value, ref)
    with pytest.raises(ValidationError):
        feeds.parse_scope("planet:mars")


def test_create_revoke_and_rotate_are_audited(session, make):
    user = make.user()
    subscription, _token = feeds.create_subscription(session, user, "topic", "russia", "Mine")
    feeds.rotate_subscription(session, user, subscription.id)
    feeds.revoke_subscription(session, user, subscription.id)
    actions = session.scalars(
        select(AuditEntry.action)
        .where(
            AuditEntry.entity_type == "feed_subscription", AuditEntry.entity_id == subscription.id
        )
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["feed.created", "feed.rotated", "feed.revoked"]


def test_list_shows_live_subscriptions_of_that_user_only(session, make):
    user, other = make.user(), make.user()
    kept, _ = feeds.create_subscription(session, user, FeedScope.ALL)
    gone, _ = feeds.create_subscription(session, user, FeedScope.TOPIC, "russia")
    feeds.create_subscription(session, other, FeedScope.ALL)
    feeds.revoke_subscription(session, user, gone.id)
    assert [s.id for s in feeds.list_subscriptions(session, user)] == [kept.id]


def test_someone_else_cannot_revoke_or_rotate_a_subscription(session, make):
    owner, stranger = make.user(), make.user()
    subscription, _ = feeds.create_subscription(session, owner, FeedScope.ALL)
    with pytest.raises(NotFound):
        feeds.revoke_subscription(session, stranger, subscription.id)
    with pytest.raises(NotFound):
        feeds.rotate_subscription(session, stranger, subscription.id)
    feeds.revoke_subscription(session, make.user(Role.ADMIN), subscription.id)


def test_unknown_and_revoked_tokens_are_404(feed, session):
    user, path = feed.subscribe()
    assert feed.get(path).status == 200
    assert feed.get("/feeds/" + "x" * 43 + ".ics").status == 404
    assert feed.get("/feeds/short.ics").status == 404
    subscription = session.scalars(select(FeedSubscription)).all()[-1]
    feeds.revoke_subscription(session, user, subscription.id)
    session.commit()
    assert feed.get(path).status == 404


def test_rotating_kills_the_old_address_and_the_new_one_works(feed, session):
    user, path = feed.subscribe()
    subscription = feeds.list_subscriptions(session, user)[0]
    token = feeds.rotate_subscription(session, user, subscription.id)
    session.commit()
    assert feed.get(path).status == 404
    assert feed.get(f"/feeds/{token}.ics").status == 200


def test_a_disabled_user_s_feeds_stop_working(feed, session, make):
    user, path = feed.subscribe(make.user())
    auth.set_active(session, None, user.id, False)
    session.commit()
    assert feed.get(path).status == 404


def test_fetch_time_is_recorded_but_not_on_every_poll(feed, session, time_machine):
    time_machine.move_to(datetime(2027, 1, 10, 12, tzinfo=UTC), tick=False)
    user, path = feed.subscribe()
    subscription = feeds.list_subscriptions(session, user)[0]
    assert subscription.last_fetched_at is None
    feed.get(path)
    first = subscription.last_fetched_at
    assert first is not None
    time_machine.shift(60)
    feed.get(path)
    assert subscription.last_fetched_at == first
    time_machine.shift(10 * 60)
    feed.get(path)
    assert subscription.last_fetched_at > first
