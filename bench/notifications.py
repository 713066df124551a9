"""Time the notification sweeps and SMTP delivery against a loopback SMTP server.

.venv/bin/python bench/notifications.py [--invitations 2000] [--database-url URL]

Seeds N open invitations to named people (one meeting per 50), then times: the invitation
sweep (queues N), delivery of the outbox to an aiosmtpd server on 127.0.0.1, the 7-day
reminder sweep, and the same sweep run again (finds nothing to do). Needs the test extras.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.invitations.tasks import send_invitations, send_reply_reminders  # noqa: E402
from app.notifications.tasks import deliver_outbox  # noqa: E402
from app.people.models import Side  # noqa: E402
from app.settings import load_settings  # noqa: E402
from tests.factories import Factory  # noqa: E402
from tests.notifications.smtp_server import smtp_server  # noqa: E402

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
DEADLINE = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)


def seed(session, count: int) -> None:
    make = Factory(session)
    inviter = make.organisation(Side.EU)
    meeting = None
    for index in range(count):
        if index % 50 == 0:
            meeting = make.meeting()
        organisation = make.organisation(Side.UK)
        person = make.person(organisation, email=f"bench{index}@uk.example")
        make.invitation(
            meeting,
            inviter_id=inviter.id,
            invitee_id=organisation.id,
            invitee_person_id=person.id,
            reply_deadline=DEADLINE,
        )
    session.commit()


def timed(label: str, func, *args) -> object:
    started = time.perf_counter()
    result = func(*args)
    elapsed = time.perf_counter() - started
    print(f"{label:38} {elapsed:7.2f} s  ({result})")
    return result


def drain(session, settings, now) -> int:
    sent = total = 0
    while True:
        sent = deliver_outbox(session, settings, now, "bench")
        total += sent
        if sent == 0:
            return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invitations", type=int, default=2000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, smtp_server() as (server, port):
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        settings = load_settings(
            environ={},
            env="testing",
            database_url=url,
            instance_path=folder,
            smtp_port=port,
            reminder_lead_days=(7, 2),
        )
        app = create_app(settings)
        with app.app_context(), time_machine.travel(T0, tick=False) as traveller:
            upgrade()
            session = db.session()
            timed(f"seed {args.invitations} invitations", seed, session, args.invitations)
            timed(
                "invitation sweep (queue)",
                lambda: _commit(session, send_invitations(session, settings, T0, "bench")),
            )
            started = time.perf_counter()
            sent = drain(session, settings, T0)
            elapsed = time.perf_counter() - started
            print(
                f"{'deliver to loopback SMTP':38} {elapsed:7.2f} s  ({sent} sent, "
                f"{sent / elapsed:.0f} messages/s)"
            )
            moment = DEADLINE - timedelta(days=7)
            traveller.move_to(moment)
            timed(
                "7-day reminder sweep (queue)",
                lambda: _commit(session, send_reply_reminders(session, settings, moment, "bench")),
            )
            timed(
                "same sweep again (nothing due)",
                lambda: _commit(session, send_reply_reminders(session, settings, moment, "bench")),
            )
            timed("deliver reminders", drain, session, settings, moment)
        print(f"SMTP server received {len(server.received)} messages on {url.split(':', 1)[0]}")


def _commit(session, value):
    session.commit()
    return value


if __name__ == "__main__":
    os.environ.setdefault("ENTENTE_ENV", "testing")
    main()
