"""The admin scheduler page and the dashboard's scheduler line."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.notifications import outbox
from app.notifications.models import NotificationKind, OutboxMessage, OutboxStatus
from app.scheduling import lease
from tests.web.conftest import csrf_from


def failed_message(session, recipient="x@uk.example", subject="Invitation: <b>Board</b>"):
    draft = outbox.Draft(
        key=f"test:{recipient}",
        kind=NotificationKind.INVITATION,
        recipient=recipient,
        recipient_name="X",
        subject=subject,
        body_text="t",
        body_html="h",
    )
    assert outbox.enqueue(session, draft, datetime.now(UTC))
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.key == draft.key))
    row.status = OutboxStatus.FAILED
    row.last_error = "SMTP 550 5.1.1 Mailbox unavailable"
    session.flush()
    return row


def test_admin_sees_jobs_outbox_and_failures_and_can_retry(session, as_admin):
    row = failed_message(session)
    page = as_admin.get("/admin/scheduler").get_data(as_text=True)
    assert "never started" in page
    for job_id in ("deliver-outbox", "reply-reminders", "meeting-changes", "cadence-alerts"):
        assert job_id in page
    assert "SMTP 550 5.1.1 Mailbox unavailable" in page
    assert "&lt;b&gt;Board&lt;/b&gt;" in page
    token = csrf_from(as_admin, "/admin/scheduler")
    response = as_admin.post(f"/admin/scheduler/outbox/{row.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    session.refresh(row)
    assert row.status is OutboxStatus.PENDING
    again = as_admin.post(
        f"/admin/scheduler/outbox/{row.id}/retry", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Only failed or uncertain" in again.get_data(as_text=True)


def test_retry_needs_csrf_and_the_admin_role(session, as_editor):
    row = failed_message(session)
    assert as_editor.get("/admin/scheduler").status_code == 403
    assert as_editor.post(f"/admin/scheduler/outbox/{row.id}/retry").status_code in {400, 403}
    session.refresh(row)
    assert row.status is OutboxStatus.FAILED


def test_dashboard_shows_whether_the_scheduler_runs(session, as_viewer):
    assert "not running" in as_viewer.get("/").get_data(as_text=True)
    lease.acquire(session, "vm:1", datetime.now(UTC))
    page = as_viewer.get("/").get_data(as_text=True)
    assert "E-mail scheduler:" in page
    assert '<span class="tag tag--confirmed">running</span>' in page
    assert "not running" not in page
    assert "Scheduler page" not in page  # the link is for admins
