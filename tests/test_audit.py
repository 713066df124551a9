import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.topics import services as topics


def test_audit_log_refuses_updates_and_deletes(make, session):
    topic = make.topic()
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "topic", AuditEntry.entity_id == topic.id
        )
    )
    with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
        session.execute(
            update(AuditEntry).where(AuditEntry.id == entry.id).values(summary="rewritten")
        )
    with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
        session.execute(delete(AuditEntry).where(AuditEntry.id == entry.id))
    session.expire_all()
    assert session.get(AuditEntry, entry.id).summary.startswith("Topic area")


def test_actor_is_recorded_and_filters_work(make, session):
    admin = make.user("admin")
    topics.create_topic(session, admin, "arctic", "Arctic")
    rows, total = audit.list_entries(
        session, audit.AuditFilter(actor_id=admin.id, action="topic.created")
    )
    assert total == 1
    assert rows[0].actor_label == admin.email
