"""Every page, document, feed and API read, walked as a delegate of one side: none may show
the other side's papers or items (their citations and titles).

The walk takes every GET route in the app with the ids of the side-papers scenario (the
meeting, its joint item, each side's paper, version 1), each with the query variants that
pick an edition (`side`, `version`, `lang`, `draft`). PDF and Word answers are read as text.
It is also run as the joint secretariat, who must find those words: the check can fail.
"""

from __future__ import annotations

import io

import pytest
from docx import Document
from flask import Flask
from werkzeug.routing import Rule

from app.agendas import paper_files, versions
from app.agendas import services as agenda_services
from app.auth import services as auth
from app.feeds import services as feeds
from tests import side_papers
from tests.agendas.conftest import pdf_pages
from tests.files import documents
from tests.side_papers import EU_WORDS, UK_WORDS, leaked
from tests.web.conftest import sign_in
from tests.web.test_route_audit import _values

QUERIES = ("", "?side=eu", "?version=1", "?lang=en-fr", "?draft=1", "?side=eu&lang=fr")


@pytest.fixture
def scenario(session, make):
    scenario = side_papers.build(session, make, circulate=False)
    limits = paper_files.UploadLimits(max_bytes=10 * 1024 * 1024)
    for paper in (scenario.uk_paper, scenario.eu_paper, scenario.joint_paper):
        name = f"{paper.reference.replace('/', '-').replace(' ', '-')}.pdf"
        upload = io.BytesIO(documents.pdf())
        paper_files.upload_file(session, None, paper.id, upload, name, limits)
    versions.circulate(session, None, scenario.meeting.id)
    items = agenda_services.items_of(session, scenario.meeting.id)
    uk_item = next(item for item in items if item.title.startswith("Kingfisher"))
    scenario.invitation = make.invitation(  # for the joint item and the UK-only one
        scenario.meeting,
        inviter_id=scenario.uk_delegate.organisation_id,
        invitee_id=scenario.eu_delegate.organisation_id,
        scope="items",
        agenda_item_ids=[scenario.joint.id, uk_item.id],
    )
    session.commit()
    return scenario


def _ids(scenario, paper_id: int) -> dict[str, object]:
    return {
        "meeting_id": scenario.meeting.id,
        "item_id": scenario.joint.id,
        "paper_id": paper_id,
        "invitation_id": scenario.invitation.id,
        "number": 1,
    }


def _text(response) -> str:
    content = response.get_data()
    if response.mimetype == "application/pdf":
        return "\n".join(pdf_pages(content))
    if response.mimetype.endswith("wordprocessingml.document"):
        word = Document(io.BytesIO(content))
        cells = [c.text for table in word.tables for row in table.rows for c in row.cells]
        return "\n".join([p.text for p in word.paragraphs] + cells)
    return content.decode("utf-8", "replace")


def _walk(app: Flask, client, token: str, ids: dict[str, object]) -> dict[str, str]:
    """Path -> text of every 200 answer to a GET of every route with these ids."""
    answers = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        for path in _paths(rule, ids):
            headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
            for query in QUERIES if "/meetings/" in path else ("",):  # editions: a meeting's
                response = client.get(path + query, headers=headers)
                assert response.status_code < 500, path + query
                if response.status_code == 200:
                    answers[path + query] = _text(response)
    return answers


def _paths(rule: Rule, ids: dict[str, object]) -> list[str]:
    values = {**_values(rule), **{k: v for k, v in ids.items() if k in rule.arguments}}
    paths = []
    for name in rule.arguments:  # every format of the agenda documents
        converter = rule._converters[name]
        if type(converter).__name__ == "AnyConverter":
            for choice in sorted(converter.items):  # type: ignore[attr-defined]
                built = rule.build({**values, name: choice}, append_unknown=False)
                assert built is not None
                paths.append(built[1])
    if not paths:
        built = rule.build(values, append_unknown=False)
        assert built is not None
        paths.append(built[1])
    return paths


def _walk_as(app, client, session, user, scenario, paper_ids: list[int]) -> dict[str, str]:
    token = auth.issue_api_token(session, None, user.id, "side-leaks")
    session.commit()
    sign_in(client, user)
    answers: dict[str, str] = {}
    for paper_id in paper_ids:
        answers |= _walk(app, client, token, _ids(scenario, paper_id))
    return answers


@pytest.mark.parametrize("who", ["eu_editor", "eu_viewer"])
def test_the_eu_side_never_reads_a_uk_only_paper_or_item(app, client, session, scenario, who):
    """Through the UK paper's id, and the EU paper's (its pages must not list the UK one)."""
    user = getattr(scenario, who)
    paper_ids = [scenario.uk_paper.id, scenario.eu_paper.id]
    answers = _walk_as(app, client, session, user, scenario, paper_ids)
    leaks = {path: leaked(text, UK_WORDS) for path, text in answers.items()}
    assert "\n".join(sorted(path for path, words in leaks.items() if words)) == ""
    seen = "\n".join(answers.values())
    assert leaked(seen, EU_WORDS) == list(EU_WORDS)  # the walk reached the EU side's papers
    assert len(answers) > 40


def test_the_secretariat_reads_both_sides(app, client, session, scenario):
    answers = _walk_as(app, client, session, scenario.secretariat, scenario, [scenario.uk_paper.id])
    seen = "\n".join(answers.values())
    assert leaked(seen, UK_WORDS + EU_WORDS) == list(UK_WORDS + EU_WORDS)


def test_the_eu_delegates_calendar_feed_holds_no_uk_paper(client, session, scenario):
    _subscription, token = feeds.create_subscription(session, scenario.eu_viewer, "all")
    session.commit()
    body = client.get(f"/feeds/{token}.ics").get_data(as_text=True)
    assert "BEGIN:VCALENDAR" in body
    assert leaked(body, UK_WORDS) == []
