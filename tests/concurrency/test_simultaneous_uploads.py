"""Editors upload to the same paper at the same instant, over real HTTP: every upload is kept
as its own version (the next number is taken under the paper's row lock), and two uploads of
the same new content store it once without either failing (the blob insert waits on the
other's row). Run with ENTENTE_TEST_DATABASE_URL for PostgreSQL."""

from __future__ import annotations

import http.client
import io
import json
import threading
from collections.abc import Iterator
from datetime import datetime

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.agendas import papers
from app.agendas.services import AgendaItemInput, add_item
from app.auth import services as auth
from app.auth.models import Role
from app.extensions import db
from app.files.storage import blob_count
from app.meetings import catalogue
from app.meetings.services import MeetingInput, create_meeting
from tests.files import documents
from tests.live import LiveServer, live_server

EDITORS = 4


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live-uploads")) as live:
        yield live


def _seed(server: LiveServer) -> tuple[str, list[str]]:
    with server.app.app_context():
        session = db.session()
        catalogue.ensure_default_kinds(session)
        meeting = create_meeting(
            session,
            None,
            MeetingInput(
                title="Contended paper",
                kind="strategic-consultation",
                start=datetime(2027, 5, 4, 10, 0),
                end=datetime(2027, 5, 4, 12, 0),
                timezone="Europe/Brussels",
            ),
        ).meeting
        item = add_item(session, None, meeting.id, AgendaItemInput(title="Russia"))
        paper = papers.add_paper(session, None, item.id, "ENT 12/26")
        tokens = []
        for n in range(EDITORS):
            user = auth.create_user(session, None, f"uploader{n}@entente.test", Role.EDITOR)
            tokens.append(auth.issue_api_token(session, None, user.id))
        session.commit()
        path = f"/api/v1/agenda-items/{item.id}/papers/{paper.id}/files"
        db.session.remove()
    return path, tokens


def _post(server: LiveServer, path: str, token: str, content: bytes, name: str) -> tuple[int, dict]:
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), filename=name)})
    connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_simultaneous_uploads_all_keep_their_versions(server: LiveServer) -> None:
    path, tokens = _seed(server)
    same = documents.pdf(3)  # two editors upload this very file; the others their own
    contents = [same, same, *(documents.pdf(n + 1) for n in range(EDITORS - 2))]
    with server.app.app_context():
        blobs_before = blob_count(db.session())
        db.session.remove()
    start = threading.Barrier(EDITORS)
    answers: dict[int, tuple[int, dict]] = {}

    def upload(n: int) -> None:
        start.wait()
        answers[n] = _post(server, path, tokens[n], contents[n], f"editor {n}.pdf")

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(EDITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(status for status, _body in answers.values()) == [201] * EDITORS, answers
    assert sorted(body["version"] for _s, body in answers.values()) == list(range(1, EDITORS + 1))
    listed = _list(server, path, tokens[0])
    assert sorted(f["filename"] for f in listed) == [f"editor {n}.pdf" for n in range(EDITORS)]
    with server.app.app_context():
        assert blob_count(db.session()) == blobs_before + len(set(contents))
        db.session.remove()


def _list(server: LiveServer, path: str, token: str) -> list[dict]:
    answer = server.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200
    return answer.body["files"]
