"""Time the inbound-mail job: N replies read from a real IMAP server (Dovecot) and applied.

.venv/bin/python bench/inbound.py [--replies 1000] [--database-url URL]

Seeds N open invitations to named people (one meeting per 50), appends one reply per
invitation (Outlook, Gmail, Apple and Thunderbird layouts in turn) to a throwaway Dovecot on
loopback, then times one run of the job (fetch, match, apply, commit, \\Seen) and a second run
(nothing new). Target: 1,000 replies in at most 10 s. Needs dovecot-imapd and the test extras.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import time_machine
from flask_migrate import upgrade
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.core.sqlite import write_intent  # noqa: E402
from app.extensions import db  # noqa: E402
from app.feeds.stamp import current_stamp  # noqa: E402
from app.inbound.tasks import fetch_inbound_mail  # noqa: E402
from app.invitations.models import Invitation, InvitationStatus  # noqa: E402
from app.people.models import Side  # noqa: E402
from app.settings import load_settings  # noqa: E402
from tests.factories import Factory  # noqa: E402
from tests.inbound.imap_server import imap_server  # noqa: E402
from tests.inbound.messages import CLIENTS, Answer  # noqa: E402

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
DEADLINE = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)
PARTSTATS = ("ACCEPTED", "DECLINED", "TENTATIVE")


def seed(session, count: int) -> list[bytes]:
    """The invitations, and one reply e-mail to each."""
    make = Factory(session)
    inviter = make.organisation(Side.EU)
    meeting = None
    pending = []
    for index in range(count):
        if index % 50 == 0:
            meeting = make.meeting()
        organisation = make.organisation(Side.UK)
        address = f"bench{index}@uk.example"
        person = make.person(organisation, email=address)
        make.invitation(
            meeting,
            inviter_id=inviter.id,
            invitee_id=organisation.id,
            invitee_person_id=person.id,
            reply_deadline=DEADLINE,
        )
        pending.append((meeting, address, index))
    session.commit()
    sequences = {m.id: current_stamp(session, m).sequence for m, _a, _i in pending}
    return [
        Answer(
            meeting.uid,
            address,
            PARTSTATS[index % len(PARTSTATS)],
            sequence=sequences[meeting.id],
            client=CLIENTS[index % len(CLIENTS)],
        ).email()
        for meeting, address, index in pending
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, imap_server() as imap:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        settings = load_settings(
            environ={},
            env="testing",
            database_url=url,
            instance_path=folder,
            inbound_imap_host="127.0.0.1",
            inbound_imap_port=imap.port,
            inbound_imap_user=imap.user,
            inbound_imap_password=imap.password,
            inbound_imap_tls=False,
            inbound_imap_allowed_sender_domains=["uk.example"],
        )
        app = create_app(settings)
        with app.app_context(), time_machine.travel(T0, tick=True), write_intent():
            upgrade()
            session = db.session()
            raws = seed(session, args.replies)
            imap.append(raws)
            print(f"{args.replies} replies appended to Dovecot on 127.0.0.1:{imap.port}")
            started, cpu = time.perf_counter(), time.process_time()
            processed = fetch_inbound_mail(session, settings, T0, "bench")
            session.commit()
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"{'inbound-mail job (fetch, apply, seen)':40} {elapsed:7.2f} s  "
                f"({processed} messages, {processed / elapsed:.0f} messages/s; "
                f"{cpu:.2f} s of CPU in this process)"
            )
            started = time.perf_counter()
            again = fetch_inbound_mail(session, settings, T0, "bench")
            elapsed = time.perf_counter() - started
            print(f"{'same job again (nothing new)':40} {elapsed:7.2f} s  ({again})")
            answered = session.scalar(
                select(func.count())
                .select_from(Invitation)
                .where(Invitation.status != InvitationStatus.INVITED)
            )
            print(f"invitations answered: {answered}; unseen left on the server: {imap.unseen()}")
            print(f"database: {url.split(':', 1)[0]}; load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    os.environ.setdefault("ENTENTE_ENV", "testing")
    main()
