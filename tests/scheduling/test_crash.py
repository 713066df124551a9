"""Real crashes: the sender or the scheduler runs in its own process and is killed with
SIGKILL mid-send, against a real SMTP server on loopback and the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.core.sqlite import write_intent
from app.extensions import db
from app.notifications import outbox
from app.notifications.models import NotificationKind, OutboxMessage, OutboxStatus, SentLog
from app.notifications.tasks import deliver_outbox
from app.scheduling import lease
from app.settings import PROJECT_ROOT, Settings
from tests.notifications.smtp_server import Recorder, Stalling, smtp_server

pytestmark = pytest.mark.slow

MESSAGES = 10


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    """The live app's SMTP server, able to hold one message in flight (stall_at)."""
    with smtp_server(Stalling()) as server:
        yield server


def flask_process(app: Flask, *args: str, **settings: object) -> subprocess.Popen[str]:
    """`flask <args>` in a new process on the live app's database and SMTP server."""
    current: Settings = app.extensions["entente.settings"]
    env = {key: value for key, value in os.environ.items() if not key.startswith("ENTENTE_")}
    env.update(
        PYTHONUNBUFFERED="1",
        ENTENTE_ENV="testing",
        ENTENTE_DATABASE_URL=current.database_url,
        ENTENTE_INSTANCE_PATH=current.instance_path,
        ENTENTE_SMTP_PORT=str(current.smtp_port),
    )
    env.update({f"ENTENTE_{name.upper()}": str(value) for name, value in settings.items()})
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app:create_app", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def kill(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    if process.stdout is not None:
        process.stdout.close()


def queue(app: Flask, count: int, first: int = 0) -> list[str]:
    """`count` due messages, one recipient each; returns the addresses in queue order."""
    addresses = [f"person{index}@uk.example" for index in range(first, first + count)]
    with app.app_context(), write_intent():
        session = db.session()
        now = datetime.now(UTC)
        for address in addresses:
            draft = outbox.Draft(
                key=f"test:{address}",
                kind=NotificationKind.CADENCE_ALERT,
                recipient=address,
                recipient_name="",
                subject=f"Note for {address}",
                body_text="Hello",
                body_html="<p>Hello</p>",
            )
            assert outbox.enqueue(session, draft, now)
        session.commit()
        db.session.remove()
    return addresses


def statuses(app: Flask) -> Counter[str]:
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
        db.session.remove()
    return Counter({status.value: count for status, count in rows})


def wait_for(condition, seconds: float = 20.0, step: float = 0.02) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


@pytest.mark.parametrize("stall_at", [1, 4, 7])
def test_a_sender_killed_mid_send_strands_only_the_message_in_flight(live_app, smtp, stall_at):
    """kill -9 while the SMTP server holds message `stall_at`: only that one is left
    'sending' (then 'uncertain', never resent automatically); every other message is
    delivered exactly once by the next run."""
    server, _ = smtp
    assert isinstance(server, Stalling)
    server.stall_at = stall_at
    addresses = queue(live_app, MESSAGES)
    sender = flask_process(live_app, "scheduler", "run-job", "deliver-outbox")
    try:
        assert server.in_flight.wait(20), "the sender never reached the stalled message"
    finally:
        kill(sender)
    server.release.set()

    after_crash = statuses(live_app)
    print(f"stall at {stall_at}: after the crash {dict(after_crash)}")
    assert after_crash["sending"] + after_crash["uncertain"] <= 1
    assert after_crash["sent"] == stall_at - 1

    settings = live_app.extensions["entente.settings"]
    later = datetime.now(UTC) + outbox.CLAIM_TTL + timedelta(seconds=1)
    with live_app.app_context(), write_intent():
        assert deliver_outbox(db.session(), settings, later, "recovery") == MESSAGES - stall_at
        db.session.commit()
        sent_log = db.session.scalar(select(func.count()).select_from(SentLog))
        in_flight = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.UNCERTAIN)
        )
        assert in_flight is not None
        assert in_flight.recipient == addresses[stall_at - 1]
        db.session.remove()

    assert statuses(live_app) == Counter({"sent": MESSAGES - 1, "uncertain": 1})
    assert sent_log == MESSAGES  # the uncertain one keeps its claim: no second send
    received = Counter(address for item in server.received for address in item.rcpt_tos)
    expected = dict.fromkeys(addresses, 1)
    expected.pop(addresses[stall_at - 1])
    assert received == expected


def lease_holder(app: Flask) -> str | None:
    with app.app_context():
        current = lease.current(db.session())
        holder = current.holder if current is not None and current.expires_at > _now() else None
        db.session.remove()
    return holder


def _now() -> datetime:
    return datetime.now(UTC)


def test_the_standby_sends_within_lease_plus_renew_after_the_holder_is_killed(live_app, smtp):
    """Two `flask scheduler run` processes with a 3 s lease renewed every 1 s: kill -9 the
    holder, queue a message, and the standby has sent it within lease + renew (+ 2 s for
    starting APScheduler and the SMTP transaction)."""
    server, _ = smtp
    lease_seconds, renew_seconds = 3, 1
    timing = {"scheduler_lease_seconds": lease_seconds, "scheduler_renew_seconds": renew_seconds}
    holder = flask_process(live_app, "scheduler", "run", **timing)
    standby = None
    try:
        assert wait_for(lambda: lease_holder(live_app) is not None)
        first = lease_holder(live_app)
        standby = flask_process(live_app, "scheduler", "run", **timing)
        assert standby.stdout is not None
        assert standby.stdout.readline().startswith("Scheduler ")  # it is in its loop
        time.sleep(renew_seconds)  # and has tried the lease at least once
        assert lease_holder(live_app) == first

        kill(holder)
        killed = time.monotonic()
        (address,) = queue(live_app, 1)
        assert wait_for(lambda: server.to(address), seconds=lease_seconds + renew_seconds + 10)
        takeover = time.monotonic() - killed
        print(f"takeover: sent {takeover:.1f} s after the holder was killed")
        assert lease_holder(live_app) not in {None, first}
        assert takeover <= lease_seconds + renew_seconds + 2
    finally:
        kill(holder)
        if standby is not None:
            standby.send_signal(signal.SIGTERM)
            try:
                standby.wait(timeout=10)
            finally:
                kill(standby)
    assert len(server.to(address)) == 1
