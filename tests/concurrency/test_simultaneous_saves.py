"""Twenty editors save the same version of a meeting at the same instant, over real HTTP.

Exactly one save wins; the others are refused with 412, never a 500; nothing is
lost: the winner's change is stored once, and when every loser re-reads and retries, all
twenty changes land, one version each, each in the audit log.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import services as auth
from app.auth.models import Role
from app.extensions import db
from app.meetings import catalogue
from app.meetings.models import Meeting
from app.meetings.services import MeetingInput, create_meeting
from tests.live import Answer, LiveServer, live_server

EDITORS = 20


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live")) as live:
        yield live


def _seed(server: LiveServer) -> tuple[int, list[str]]:
    with server.app.app_context():
        session = db.session()
        catalogue.ensure_default_kinds(session)
        meeting = create_meeting(
            session,
            None,
            MeetingInput(
                title="Contended meeting",
                kind="strategic-consultation",
                start=datetime(2027, 5, 4, 10, 0),
                end=datetime(2027, 5, 4, 12, 0),
                timezone="Europe/Brussels",
            ),
        ).meeting
        tokens = []
        for n in range(EDITORS):
            user = auth.create_user(
                session, None, f"editor{n}-{meeting.id}@entente.test", Role.EDITOR
            )
            tokens.append(auth.issue_api_token(session, None, user.id))
        session.commit()
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id, tokens


def _stored(server: LiveServer, meeting_id: int) -> tuple[Meeting, list[AuditEntry]]:
    with server.app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "meeting", AuditEntry.entity_id == meeting_id)
            .where(AuditEntry.action == "meeting.updated")
            .order_by(AuditEntry.id)
        ).all()
        db.session.expunge_all()
        db.session.remove()
    assert meeting is not None
    return meeting, list(entries)


def test_twenty_simultaneous_saves_of_one_version(server: LiveServer) -> None:
    meeting_id, tokens = _seed(server)
    path = f"/api/v1/meetings/{meeting_id}"
    first = server.request("GET", path, headers={"Authorization": f"Bearer {tokens[0]}"})
    etag = first.headers["ETag"]
    start = threading.Barrier(EDITORS)
    answers: dict[int, Answer] = {}

    def save(n: int) -> None:
        start.wait()
        answers[n] = server.request(
            "PATCH",
            path,
            {"venue": f"Room {n}"},
            {"Authorization": f"Bearer {tokens[n]}", "If-Match": etag},
        )

    threads = [threading.Thread(target=save, args=(n,)) for n in range(EDITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(answer.status for answer in answers.values())
    assert len(statuses) == EDITORS
    assert all(status < 500 for status in statuses), statuses
    winners = [n for n, answer in answers.items() if answer.status == 200]
    assert len(winners) == 1, statuses
    assert all(answers[n].status == 412 for n in answers if n not in winners), statuses
    meeting, entries = _stored(server, meeting_id)
    assert meeting.venue == f"Room {winners[0]}"
    assert meeting.version == first.body["version"] + 1
    assert [entry.changes["venue"][1] for entry in entries] == [f"Room {winners[0]}"]

    # Nothing is lost: each loser re-reads and saves again until it gets through.
    losers = [n for n in answers if n not in winners]
    retry_answers: dict[int, list[int]] = {n: [] for n in losers}

    def retry(n: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[n]}"}
        for _ in range(200):
            current = server.request("GET", path, headers=headers)
            saved = server.request(
                "PATCH",
                path,
                {"venue": f"Room {n}"},
                {**headers, "If-Match": current.headers["ETag"]},
            )
            retry_answers[n].append(saved.status)
            if saved.status == 200:
                return

    threads = [threading.Thread(target=retry, args=(n,)) for n in losers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    all_statuses = [status for statuses in retry_answers.values() for status in statuses]
    assert all(status in (200, 412) for status in all_statuses), all_statuses
    assert all(statuses[-1] == 200 for statuses in retry_answers.values())
    meeting, entries = _stored(server, meeting_id)
    assert meeting.version == first.body["version"] + EDITORS
    assert sorted(entry.changes["venue"][1] for entry in entries) == sorted(
        f"Room {n}" for n in range(EDITORS)
    )
