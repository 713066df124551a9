"""Editors save the same agenda state at the same instant, over real HTTP: an item's outcome
(its own ETag) and an item's fields (the agenda's ETag). The agenda lock makes the If-Match
check and the save one step: exactly one wins, the others get 412, never a 500."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime

import pytest

from app.agendas.services import AgendaItemInput, add_item
from app.auth import services as auth
from app.auth.models import Role
from app.extensions import db
from app.meetings import catalogue
from app.meetings.services import MeetingInput, create_meeting
from tests.live import Answer, LiveServer, live_server

EDITORS = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live-agenda")) as live:
        yield live


def _seed(server: LiveServer, label: str) -> tuple[int, int, list[str]]:
    with server.app.app_context():
        session = db.session()
        catalogue.ensure_default_kinds(session)
        meeting = create_meeting(
            session,
            None,
            MeetingInput(
                title=f"Contended agenda {label}",
                kind="strategic-consultation",
                start=datetime(2027, 5, 4, 10, 0),
                end=datetime(2027, 5, 4, 12, 0),
                timezone="Europe/Brussels",
            ),
        ).meeting
        item = add_item(session, None, meeting.id, AgendaItemInput(title="Contended item"))
        tokens = []
        for n in range(EDITORS):
            email = f"{label}-editor{n}-{meeting.id}@entente.test"
            user = auth.create_user(session, None, email, Role.EDITOR)
            tokens.append(auth.issue_api_token(session, None, user.id))
        session.commit()
        ids = meeting.id, item.id
        db.session.remove()
    return *ids, tokens


def _all_at_once(send: list[threading.Thread]) -> None:
    for thread in send:
        thread.start()
    for thread in send:
        thread.join(timeout=120)


@pytest.mark.parametrize(
    ("label", "method", "path", "field", "etag_path"),
    [
        ("outcome", "PUT", "/api/v1/agenda-items/{item}/outcome", "outcome", None),
        (
            "item",
            "PATCH",
            "/api/v1/agenda-items/{item}",
            "title",
            "/api/v1/meetings/{meeting}/agenda",
        ),
    ],
)
def test_one_of_simultaneous_agenda_saves_wins(
    server: LiveServer, label: str, method: str, path: str, field: str, etag_path: str | None
) -> None:
    meeting_id, item_id, tokens = _seed(server, label)
    target = path.format(item=item_id)
    read_path = (etag_path or path).format(item=item_id, meeting=meeting_id)
    auth_header = {"Authorization": f"Bearer {tokens[0]}"}
    etag = server.request("GET", read_path, headers=auth_header).headers["ETag"]
    start = threading.Barrier(EDITORS)
    answers: dict[int, Answer] = {}

    def save(n: int) -> None:
        start.wait()
        answers[n] = server.request(
            method,
            target,
            {field: f"Saved by {n}"},
            {"Authorization": f"Bearer {tokens[n]}", "If-Match": etag},
        )

    _all_at_once([threading.Thread(target=save, args=(n,)) for n in range(EDITORS)])
    statuses = sorted(answer.status for answer in answers.values())
    assert len(statuses) == EDITORS
    assert statuses == [200] + [412] * (EDITORS - 1), statuses
    winner = next(n for n, answer in answers.items() if answer.status == 200)
    if label == "outcome":
        stored = server.request("GET", target, headers=auth_header).body["outcome"]
    else:
        items = server.request("GET", read_path, headers=auth_header).body["items"]
        stored = items[0]["title"]
    assert stored == f"Saved by {winner}"
