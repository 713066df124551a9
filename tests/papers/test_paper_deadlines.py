"""Paper due dates come from the meeting and move with it; owners are reminded before the
due date and the secretariat told when a paper is late (frozen clock); the dashboard lists
missing and late papers."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.agendas import paper_files, papers
from app.agendas.paper_deadlines import (
    PaperStatus,
    keep_working_days_before,
    paper_deadlines,
    statuses,
)
from app.agendas.paper_tasks import check_paper_deadlines
from app.auth.models import Role
from app.meetings.services import move_meeting
from app.notifications.models import OutboxMessage, OutboxStatus
from app.notifications.tasks import deliver_outbox
from tests.files import documents
from tests.web.conftest import sign_in

SECRETARIAT = "secretariat@entente.example"
OWNER = "owner@fco.example"


@pytest.fixture
def settings(mail_settings):
    return mail_settings.replace(
        paper_due_working_days=10,
        paper_due_working_days_by_kind={},
        paper_reminder_days=(5, 1),
    )


def sweep(session, settings, moment: datetime) -> list[str]:
    """Run the sweep at `moment`; the keys of the messages it queued to send."""
    before = set(session.scalars(select(OutboxMessage.key)))
    with time_machine.travel(moment, tick=False):
        check_paper_deadlines(session, settings, moment, "test")
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.key.not_in(before)))
    return sorted(row.key for row in rows if row.status is OutboxStatus.PENDING)


@pytest.fixture
def meeting_with_paper(make, session):
    with time_machine.travel(datetime(2027, 2, 1, 9, tzinfo=UTC), tick=False):
        meeting = make.meeting(
            start=datetime(2027, 3, 16, 10, 0),
            end=datetime(2027, 3, 16, 13, 0),
            timezone="Europe/Brussels",
        )
        item = make.item(meeting, "Russia")
        paper = papers.add_paper(session, None, item.id, "ENT 12/26")
        paper.owner = make.person(full_name="Paper Owner", email=OWNER)
        session.flush()
    return meeting, paper


def test_a_due_date_set_by_hand_keeps_its_working_days_before_the_meeting():
    # Fri 26 Feb is 12 working days before Tue 16 Mar; so Fri 5 Mar before Tue 23 Mar.
    assert keep_working_days_before(
        date(2027, 2, 26), date(2027, 3, 16), date(2027, 3, 23), set()
    ) == date(2027, 3, 5)
    assert keep_working_days_before(
        date(2027, 3, 17), date(2027, 3, 16), date(2027, 3, 23), set()
    ) == date(2027, 3, 24)


def test_the_due_date_defaults_per_meeting_kind(session, settings, meeting_with_paper):
    meeting, _paper = meeting_with_paper
    now = datetime(2027, 2, 1, 9, tzinfo=UTC)
    (found,) = paper_deadlines(session, settings, now, due_within=_days(60))
    assert found.due == date(2027, 3, 2)  # 10 working days before Tue 16 Mar
    by_kind = settings.replace(paper_due_working_days_by_kind={meeting.kind.slug: 15})
    (found,) = paper_deadlines(session, by_kind, now, due_within=_days(60))
    assert found.due == date(2027, 2, 23)


def test_moving_the_meeting_moves_due_dates_and_reminders(
    session, settings, smtp, meeting_with_paper
):
    server, _ = smtp
    meeting, paper = meeting_with_paper
    by_hand = papers.add_paper(session, None, paper.item_id, "ENT 13/26")
    by_hand.due_on = date(2027, 3, 5)  # 7 working days before the meeting
    by_hand.owner = paper.owner
    session.flush()
    # Before the move: the 5-day reminder for Tue 2 Mar is due on Thu 25 Feb.
    assert sweep(session, settings, datetime(2027, 2, 24, 8, 45, tzinfo=UTC)) == []
    assert sweep(session, settings, datetime(2027, 2, 25, 8, 45, tzinfo=UTC)) == [
        f"paper-due:{paper.id}:2027-03-02:5",
    ]
    with time_machine.travel(datetime(2027, 2, 25, 12, tzinfo=UTC), tick=False):
        move_meeting(
            session, None, meeting.id, datetime(2027, 3, 23, 10, 0), datetime(2027, 3, 23, 13, 0)
        )
    assert by_hand.due_on == date(2027, 3, 12)  # still 7 working days before
    # The old dates pass without a reminder or a late alert; the new ones are kept, once.
    assert sweep(session, settings, datetime(2027, 3, 1, 8, 45, tzinfo=UTC)) == []
    assert sweep(session, settings, datetime(2027, 3, 3, 8, 45, tzinfo=UTC)) == []
    assert sweep(session, settings, datetime(2027, 3, 4, 8, 45, tzinfo=UTC)) == [
        f"paper-due:{paper.id}:2027-03-09:5",
    ]
    assert sweep(session, settings, datetime(2027, 3, 4, 9, 45, tzinfo=UTC)) == []
    assert sweep(session, settings, datetime(2027, 3, 8, 8, 45, tzinfo=UTC)) == sorted(
        [f"paper-due:{by_hand.id}:2027-03-12:5", f"paper-due:{paper.id}:2027-03-09:1"]
    )
    assert sweep(session, settings, datetime(2027, 3, 10, 8, 45, tzinfo=UTC)) == [
        f"paper-late:{paper.id}:2027-03-09",
    ]
    delivered = datetime(2027, 3, 10, 8, 46, tzinfo=UTC)
    with time_machine.travel(delivered, tick=False):
        deliver_outbox(session, settings, delivered, "test")
    (late,) = server.to(SECRETARIAT)
    assert late.message["Subject"] == "Paper late: ENT 12/26 (OR. en)"
    assert "Tue 09 Mar 2027" in late.message.get_body(("plain",)).get_content()
    assert sorted(r.message["Subject"] for r in server.to(OWNER)) == [
        "Paper due: ENT 12/26 (OR. en)",
        "Paper due: ENT 12/26 (OR. en)",
        "Paper due: ENT 12/26 (OR. en)",
        "Paper due: ENT 13/26 (OR. en)",
    ]


def test_an_uploaded_paper_is_neither_reminded_nor_late(session, settings, meeting_with_paper):
    meeting, paper = meeting_with_paper
    _upload(session, paper)
    assert sweep(session, settings, datetime(2027, 2, 25, 8, 45, tzinfo=UTC)) == []
    assert sweep(session, settings, datetime(2027, 3, 3, 8, 45, tzinfo=UTC)) == []
    (deadline,) = statuses(session, settings, meeting, [paper]).values()
    assert deadline.status(date(2027, 3, 3)) is PaperStatus.UPLOADED


def test_status_is_missing_then_late(session, settings, meeting_with_paper):
    meeting, paper = meeting_with_paper
    (deadline,) = statuses(session, settings, meeting, [paper]).values()
    assert deadline.status(date(2027, 3, 2)) is PaperStatus.MISSING
    assert deadline.status(date(2027, 3, 3)) is PaperStatus.LATE


def test_the_dashboard_lists_missing_and_late_papers_for_editors(
    app, client, make, session, meeting_with_paper
):
    _meeting, paper = meeting_with_paper
    other = papers.add_paper(session, None, paper.item_id, "ENT 14/26")
    _upload(session, other)
    with time_machine.travel(datetime(2027, 3, 3, 9, tzinfo=UTC), tick=False):
        sign_in(client, make.user(Role.EDITOR))
        page = client.get("/").get_data(as_text=True)
        assert "Papers missing or late" in page
        assert "ENT 12/26" in page
        assert '<span class="tag tag--overdue">late</span>' in page
        assert "ENT 14/26" not in page  # uploaded
        viewer = sign_in(app.test_client(), make.user(Role.VIEWER))
        assert "Papers missing or late" not in viewer.get("/").get_data(as_text=True)


def _upload(session, paper):
    limits = paper_files.UploadLimits(max_bytes=10_000_000)
    paper_files.upload_file(session, None, paper.id, io.BytesIO(documents.pdf()), "p.pdf", limits)


def _days(count: int) -> timedelta:
    return timedelta(days=count)
