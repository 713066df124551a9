"""The scheduler lease: one holder at a time, taken over when it expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.scheduling import lease
from app.scheduling.runner import SchedulerRunner
from app.scheduling.services import heartbeat
from app.settings import SettingsError, load_settings
from tests.helpers import unchanged

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


def test_the_lease_time_is_a_setting(app):
    settings = load_settings(
        environ={
            "ENTENTE_SECRET_KEY": "x",
            "ENTENTE_SCHEDULER_LEASE_SECONDS": "20",
            "ENTENTE_SCHEDULER_RENEW_SECONDS": "5",
        }
    )
    assert (settings.scheduler_lease_seconds, settings.scheduler_renew_seconds) == (20, 5)
    defaults = app.extensions["entente.settings"]
    runner = SchedulerRunner(app, "a")
    assert runner.ttl == timedelta(seconds=defaults.scheduler_lease_seconds) == TTL
    assert runner.renew_seconds == defaults.scheduler_renew_seconds == 15


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"SCHEDULER_RENEW_SECONDS": "0"}, "scheduler_renew_seconds"),
        ({"SCHEDULER_LEASE_SECONDS": "20", "SCHEDULER_RENEW_SECONDS": "15"}, "lease_seconds"),
        ({"SCHEDULER_LEASE_SECONDS": "7200"}, "scheduler_lease_seconds"),
        ({"SCHEDULER_LEASE_SECONDS": "soon"}, "scheduler_lease_seconds"),
    ],
)
def test_a_lease_that_could_lapse_between_renewals_is_refused(values, named):
    environ = {"ENTENTE_SECRET_KEY": "x"} | {f"ENTENTE_{k}": v for k, v in values.items()}
    with pytest.raises(SettingsError, match=named):
        load_settings(environ=environ)


def test_scheduler_run_refuses_a_lease_shorter_than_two_renewals(cli, session):
    with unchanged(session):
        result = cli.invoke(
            args=["scheduler", "run", "--lease-seconds", "10", "--renew-seconds", "6"]
        )
    assert result.exit_code == 2
    assert "--lease-seconds" in result.output
    assert "twice the renew interval (6 s)" in result.output
