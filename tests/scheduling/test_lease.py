"""The scheduler lease: one holder at a time, taken over when it expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.scheduling import lease
from app.scheduling.services import heartbeat

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TTL = timedelta(seconds=60)


def test_one_holder_at_a_time_and_takeover_after_expiry(session):
    assert heartbeat(session, T0).as_json() == {"last_seen": None, "alive": False}
    assert lease.acquire(session, "a", T0, TTL)
    assert not lease.acquire(session, "b", T0 + timedelta(seconds=59), TTL)
    assert lease.acquire(session, "a", T0 + timedelta(seconds=30), TTL)  # renewal
    assert not lease.acquire(session, "b", T0 + timedelta(seconds=89), TTL)
    assert heartbeat(session, T0 + timedelta(seconds=89)).as_json() == {
        "last_seen": (T0 + timedelta(seconds=30)).isoformat(),
        "alive": True,
    }
    # a stops renewing: b takes over once the lease has expired, and a cannot renew.
    assert heartbeat(session, T0 + timedelta(seconds=91)).alive is False
    assert lease.acquire(session, "b", T0 + timedelta(seconds=91), TTL)
    assert not lease.acquire(session, "a", T0 + timedelta(seconds=92), TTL)
    assert lease.current(session).holder == "b"


def test_release_lets_a_standby_take_over_at_once(session):
    assert lease.acquire(session, "a", T0, TTL)
    lease.release(session, "a", T0 + timedelta(seconds=5))
    assert lease.acquire(session, "b", T0 + timedelta(seconds=6), TTL)
    lease.release(session, "a", T0 + timedelta(seconds=7))  # not a's to release any more
    assert not lease.acquire(session, "a", T0 + timedelta(seconds=8), TTL)


def test_healthz_shows_the_heartbeat(session, client):
    with_lease = lease.acquire(session, "a", datetime.now(UTC), TTL)
    assert with_lease
    body = client.get("/healthz").get_json()
    assert body["scheduler"]["alive"] is True
    assert body["scheduler"]["last_seen"] is not None
