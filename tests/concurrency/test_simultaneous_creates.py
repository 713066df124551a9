"""Twenty identical create requests at the same instant, over real HTTP: exactly one row.

Every create endpoint that refuses a duplicate ("already invited", "already exists", "already
in the delegation" ...) used to check, then insert: on PostgreSQL two requests could both pass
the check. Now a unique key or a row lock decides, so exactly one request succeeds and every
other gets a clear 409 naming the field (never a 500), and exactly one row is stored.

The per-endpoint figures (successes / conflicts) are printed: run with -s to see them.
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.agendas import versions
from app.agendas.models import AgendaPaper, AgendaVersion
from app.auth import services as auth
from app.auth.models import Role, User
from app.core.errors import EntenteError
from app.core.sqlite import write_intent
from app.extensions import db
from app.invitations.models import Invitation, InvitationStatus
from app.meetings.models import Meeting, MeetingStatus, Participant
from app.people.models import Organisation, Person, Side
from app.topics.models import TopicArea
from tests.factories import PASSWORD, Factory
from tests.live import Answer, LiveServer, live_server
from tests.web.conftest import CSRF_RE

REQUESTS = 20
CIRCULATORS = 10
FORMS = 10


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live")) as live:
        yield live


@dataclass
class Case:
    path: str
    body: dict[str, object]
    role: Role
    count: Callable[[Session], int]  # rows the requests were about
    success: int = 201


def _invitation(make: Factory) -> Case:
    meeting = make.meeting(start=datetime(2027, 5, 4, 10, 0), end=datetime(2027, 5, 4, 12, 0))
    inviter, invitee = make.organisation(Side.EU), make.organisation(Side.UK)
    return Case(
        "/api/v1/invitations",
        {"meeting_id": meeting.id, "inviter_id": inviter.id, "invitee_id": invitee.id},
        Role.EDITOR,
        lambda s: _rows(
            s,
            Invitation,
            Invitation.meeting_id == meeting.id,
            Invitation.invitee_id == invitee.id,
            Invitation.status == InvitationStatus.INVITED,
        ),
    )


def _consultation(make: Factory) -> Case:
    series = make.series(slug="races-consultations")
    return Case(
        "/api/v1/consultations/schedule",
        {"series": series.slug, "from": "2027-H2", "to": "2027-H2"},
        Role.EDITOR,
        lambda s: _rows(
            s, Meeting, Meeting.series_id == series.id, Meeting.status == MeetingStatus.TENTATIVE
        ),
    )


def _topic(make: Factory) -> Case:
    return Case(
        "/api/v1/topics",
        {"slug": "races-topic", "name": "Races topic"},
        Role.EDITOR,
        lambda s: _rows(s, TopicArea, TopicArea.slug == "races-topic"),
    )


def _organisation(make: Factory) -> Case:
    return Case(
        "/api/v1/organisations",
        {"code": "RACES-ORG", "name": "Races", "side": "uk"},
        Role.EDITOR,
        lambda s: _rows(s, Organisation, Organisation.code == "RACES-ORG"),
    )


def _person(make: Factory) -> Case:
    organisation = make.organisation(Side.UK)
    return Case(
        "/api/v1/people",
        {"full_name": "Ada Races", "organisation_id": organisation.id, "email": "ada@races.test"},
        Role.EDITOR,
        lambda s: _rows(s, Person, Person.email == "ada@races.test"),
    )


def _user(make: Factory) -> Case:
    return Case(
        "/api/v1/users",
        {"email": "new@races.test", "role": "viewer"},
        Role.ADMIN,
        lambda s: _rows(s, User, User.email == "new@races.test"),
    )


def _delegate(make: Factory) -> Case:
    meeting = make.meeting(start=datetime(2027, 6, 1, 10, 0), end=datetime(2027, 6, 1, 12, 0))
    person = make.person(make.organisation(Side.UK))
    return Case(
        f"/api/v1/meetings/{meeting.id}/delegation",
        {"person_id": person.id},
        Role.EDITOR,
        lambda s: _rows(
            s, Participant, Participant.meeting_id == meeting.id, Participant.person_id == person.id
        ),
    )


def _paper(make: Factory) -> Case:
    meeting = make.meeting(start=datetime(2027, 6, 8, 10, 0), end=datetime(2027, 6, 8, 12, 0))
    item = make.item(meeting)
    return Case(
        f"/api/v1/agenda-items/{item.id}/papers",
        {"reference": "ENT 12/26"},
        Role.EDITOR,
        lambda s: _rows(s, AgendaPaper, AgendaPaper.item_id == item.id),
    )


def _rows(session: Session, model: type, *where: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


CASES = {
    "invitations": _invitation,
    "consultations/schedule": _consultation,
    "topics": _topic,
    "organisations": _organisation,
    "people": _person,
    "users": _user,
    "delegation": _delegate,
    "agenda papers": _paper,
}


def _seed(server: LiveServer, build: Callable[[Factory], Case]) -> tuple[Case, list[str]]:
    with server.app.app_context():
        session = db.session()
        make = Factory(session)
        case = build(make)
        tokens = [
            auth.issue_api_token(session, None, make.user(case.role).id) for _ in range(REQUESTS)
        ]
        session.commit()
        db.session.remove()
    return case, tokens


def _fire(server: LiveServer, case: Case, tokens: list[str]) -> list[Answer]:
    start = threading.Barrier(REQUESTS)
    answers: dict[int, Answer] = {}

    def send(n: int) -> None:
        start.wait()
        answers[n] = server.request(
            "POST", case.path, case.body, {"Authorization": f"Bearer {tokens[n]}"}
        )

    threads = [threading.Thread(target=send, args=(n,)) for n in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return list(answers.values())


@pytest.mark.parametrize("name", list(CASES))
def test_twenty_simultaneous_identical_creates_store_one_row(server: LiveServer, name: str) -> None:
    case, tokens = _seed(server, CASES[name])
    answers = _fire(server, case, tokens)
    statuses = Counter(answer.status for answer in answers)
    print(f"\n{name}: {dict(statuses)}")
    if name == "consultations/schedule":
        # A repeat creates nothing and says so with an empty list: success means "created".
        created = [answer for answer in answers if answer.status == 201 and answer.body]
        successes, refused = len(created), len(answers) - len(created)
        assert statuses == {201: REQUESTS}, statuses
    else:
        successes, refused = statuses[case.success], REQUESTS - statuses[case.success]
        conflicts = [answer for answer in answers if answer.status != case.success]
        assert all(answer.status == 409 for answer in conflicts), statuses
        assert all(answer.body["code"] == "duplicate" for answer in conflicts), statuses
        assert all(answer.body["field"] for answer in conflicts)
    print(f"{name}: {successes} successes / {refused} refused")
    assert len(answers) == REQUESTS
    assert successes == 1, statuses
    with server.app.app_context():
        stored = case.count(db.session())
        db.session.remove()
    assert stored == 1


def test_simultaneous_circulations_outside_the_api_number_one_version(server: LiveServer) -> None:
    """The page and the CLI circulate without the API's lock: the service locks for them."""
    with server.app.app_context():
        make = Factory(db.session())
        meeting = make.meeting(start=datetime(2027, 6, 15, 10, 0), end=datetime(2027, 6, 15, 12))
        make.item(meeting, "Opening")
        meeting_id = meeting.id
        db.session.commit()
        db.session.remove()
    start = threading.Barrier(CIRCULATORS)
    outcomes: list[str] = []

    def circulate() -> None:
        with server.app.app_context(), write_intent(), Session(db.engine) as session:
            start.wait()
            try:
                versions.circulate(session, None, meeting_id)
                session.commit()
                outcomes.append("circulated")
            except EntenteError as error:
                session.rollback()
                outcomes.append(error.code)
            except Exception as error:
                session.rollback()
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=circulate) for _ in range(CIRCULATORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    print(f"\nagenda circulate (service): {Counter(outcomes)}")
    assert Counter(outcomes) == {"circulated": 1, "validation_error": CIRCULATORS - 1}
    with server.app.app_context():
        assert _rows(db.session(), AgendaVersion, AgendaVersion.meeting_id == meeting_id) == 1
        db.session.remove()


def test_simultaneous_invitation_forms_store_one_and_tell_the_others(server: LiveServer) -> None:
    """The web form's losers see the form again with the clear message, never a 500."""
    with server.app.app_context():
        make = Factory(db.session())
        meeting = make.meeting(start=datetime(2027, 6, 22, 10, 0), end=datetime(2027, 6, 22, 12))
        inviter, invitee = make.organisation(Side.EU), make.organisation(Side.UK)
        editor = make.user(Role.EDITOR)
        ids = (meeting.id, inviter.id, invitee.id)
        db.session.commit()
        db.session.remove()
    meeting_id, inviter_id, invitee_id = ids
    browser = _Browser(server)
    login = browser.send("GET", "/login")
    browser.send(
        "POST",
        "/login",
        {"email": editor.email, "password": PASSWORD, "csrf_token": _csrf(login)},
    )
    path = f"/invitations/new/{meeting_id}"
    form = {
        "inviter_id": str(inviter_id),
        "invitee_id": str(invitee_id),
        "invitee_person_id": "",
        "scope": "whole",
        "csrf_token": _csrf(browser.send("GET", path)),
    }
    start = threading.Barrier(FORMS)
    answers: list[tuple[int, str]] = []

    def submit() -> None:
        start.wait()
        status, page = browser.exchange("POST", path, form)
        answers.append((status, page))

    threads = [threading.Thread(target=submit) for _ in range(FORMS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = Counter(status for status, _ in answers)
    print(f"\ninvitation form (web): {dict(statuses)}")
    assert statuses[302] == 1, statuses
    refused = [page for status, page in answers if status != 302]
    assert all(status < 500 for status, _ in answers), statuses
    assert all("already has an open invitation" in page for page in refused)
    with server.app.app_context():
        assert _rows(db.session(), Invitation, Invitation.meeting_id == meeting_id) == 1
        db.session.remove()


class _Browser:
    """Form posts over real HTTP with one signed-in session cookie."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.cookie = ""

    def exchange(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=60)
        try:
            headers = {"Cookie": self.cookie} if self.cookie else {}
            body = None
            if form is not None:
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode()
            for cookie in response.msg.get_all("Set-Cookie") or []:
                name = self.server.app.config["SESSION_COOKIE_NAME"]
                if cookie.startswith(f"{name}="):
                    self.cookie = cookie.split(";", 1)[0]
            return response.status, page
        finally:
            connection.close()

    def send(self, method: str, path: str, form: dict[str, str] | None = None) -> str:
        status, page = self.exchange(method, path, form)
        assert status in (200, 302), (status, page[:500])
        return page


def _csrf(page: str) -> str:
    found = CSRF_RE.search(page)
    assert found, "no CSRF token on the page"
    return found.group(1)
