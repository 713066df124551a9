"""One unit of work for every page (app/web/unit_of_work.py), seen from the browser's side:
a kept change is committed once and announced; a refused one keeps nothing and says why on
the field it names; a refusal of who is asking is a 403, never a form message."""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.topics.models import TopicArea
from tests.web.conftest import csrf_from


def _audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry))


def _new_topic(client, slug: str, name: str):
    token = csrf_from(client, "/topics/new")
    data = {"csrf_token": token, "slug": slug, "name": name, "description": ""}
    return client.post("/topics/new", data=data, follow_redirects=True)


def test_a_kept_change_is_committed_and_announced(as_editor, session):
    before = _audit_count(session)
    page = _new_topic(as_editor, "arctic-route", "Arctic route")
    assert page.status_code == 200
    assert "Topic area Arctic route added." in page.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(TopicArea).where(TopicArea.slug == "arctic-route")) is not None
    assert _audit_count(session) == before + 1  # the audit entry in the same transaction


def test_a_refused_change_keeps_nothing_and_names_the_field(as_editor, session):
    assert _new_topic(as_editor, "arctic-route", "Arctic route").status_code == 200
    before = _audit_count(session)
    again = _new_topic(as_editor, "arctic-route", "Another name")
    html = again.get_data(as_text=True)
    assert again.status_code == 200  # the form again, not an error page
    assert 'id="slug-error"' in html
    assert "Another name" in html  # the input is kept
    session.expire_all()
    names = session.scalars(select(TopicArea.name).where(TopicArea.slug == "arctic-route")).all()
    assert names == ["Arctic route"]
    assert _audit_count(session) == before
