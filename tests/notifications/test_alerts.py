"""Secretariat alerts: a late provisional agenda, a half-year without a consultation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import event

from app.agendas.deadlines import agenda_due_date
from app.agendas.tasks import check_agenda_deadlines
from app.agendas.versions import circulate
from app.consultations.tasks import check_cadence
from app.meetings.catalogue import mark_unavailable
from app.meetings.models import MeetingStatus
from app.meetings.services import cancel_meeting, change_status
from app.notifications.tasks import deliver_outbox

SECRETARIAT = "secretariat@entente.example"


def test_due_date_counts_working_days_and_skips_unavailable_ones():
    assert agenda_due_date(date(2027, 3, 16), 10, set()) == date(2027, 3, 2)
    assert agenda_due_date(date(2027, 3, 16), 10, {date(2027, 3, 5)}) == date(2027, 3, 1)


def test_late_agenda_is_reported_once_and_only_when_missing(session, make, smtp, mail_settings):
    server, _ = smtp
    with time_machine.travel(datetime(2027, 2, 1, tzinfo=UTC), tick=False) as traveller:
        late = make.meeting(title="No agenda yet")
        ready = make.meeting(title="Agenda ready")
        make.item(ready, "Russia")
        circulate(session, None, ready.id)
        drafted = make.meeting(title="Drafted, never circulated")
        make.item(drafted, "Russia")
        cancelled = make.meeting(title="Called off")
        cancel_meeting(session, None, cancelled.id)
        for moment, expected in (
            (datetime(2027, 3, 2, 23, 59, tzinfo=UTC), 0),  # due today (2 March): not late
            (datetime(2027, 3, 3, 8, 30, tzinfo=UTC), 2),
            (datetime(2027, 3, 4, 8, 30, tzinfo=UTC), 0),
        ):
            traveller.move_to(moment)
            assert check_agenda_deadlines(session, mail_settings, moment, "test") == expected
            deliver_outbox(session, mail_settings, moment, "test")
    alerts = sorted(server.to(SECRETARIAT), key=lambda alert: alert.message["Subject"])
    assert [alert.message["Subject"] for alert in alerts] == [
        f"Agenda late: {drafted.title}",
        f"Agenda late: {late.title}",
    ]
    alert = alerts[1]
    assert "Tue 02 Mar 2027" in alert.message.get_body(("plain",)).get_content()


def test_unavailable_days_move_the_due_date_earlier(session, make, smtp, mail_settings):
    with time_machine.travel(datetime(2027, 2, 1, tzinfo=UTC), tick=False):
        make.meeting()
        mark_unavailable(session, None, date(2027, 3, 5), "Away day")
        moment = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
        assert check_agenda_deadlines(session, mail_settings, moment, "test") == 1


def test_cadence_alert_from_n_days_before_the_half_year_ends(session, make, smtp, mail_settings):
    server, _ = smtp
    with time_machine.travel(datetime(2027, 1, 5, tzinfo=UTC), tick=False) as traveller:
        series = make.series(slug="cadence-test")
        covered = make.series(slug="cadence-covered")
        make.meeting(
            series=covered.id, start=datetime(2027, 6, 8, 10), end=datetime(2027, 6, 8, 12)
        )
        for moment, expected in (
            (datetime(2027, 4, 30, 9, 0, tzinfo=UTC), 0),  # 61 days before 30 June
            (datetime(2027, 5, 1, 9, 0, tzinfo=UTC), 1),
            (datetime(2027, 5, 2, 9, 0, tzinfo=UTC), 0),
        ):
            traveller.move_to(moment)
            assert check_cadence(session, mail_settings, moment, "test") == expected
            deliver_outbox(session, mail_settings, moment, "test")
    [alert] = server.to(SECRETARIAT)
    assert alert.message["Subject"] == f"No {series.name} scheduled in 2027-H1"
    assert "Proposal: Tue 01 Jun 2027 10:00 in London" in (
        alert.message.get_body(("plain",)).get_content()
    )


def test_a_postponed_meeting_gets_no_late_agenda_alert(session, make, smtp, mail_settings):
    with time_machine.travel(datetime(2027, 2, 1, tzinfo=UTC), tick=False):
        postponed = make.meeting(title="Postponed")
        change_status(session, None, postponed.id, MeetingStatus.POSTPONED)
        moment = datetime(2027, 3, 3, 8, 30, tzinfo=UTC)  # the day after it would be due
        assert check_agenda_deadlines(session, mail_settings, moment, "test") == 0


def test_the_deadline_sweep_queries_do_not_grow_with_the_meetings(session, make, mail_settings):
    def statements_for(meetings: int) -> int:
        with time_machine.travel(datetime(2027, 2, 1, tzinfo=UTC), tick=False):
            for _ in range(meetings):
                ready = make.meeting()
                make.item(ready, "Russia")
                circulate(session, None, ready.id)
        seen: list[str] = []
        bind = session.connection()

        def record(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(bind, "before_cursor_execute", record)
        try:
            moment = datetime(2027, 3, 3, 8, 30, tzinfo=UTC)
            assert check_agenda_deadlines(session, mail_settings, moment, "test") == 0
        finally:
            event.remove(bind, "before_cursor_execute", record)
        return len(seen)

    assert statements_for(4) == statements_for(1) <= 2


def test_a_long_preparation_period_still_alerts_for_a_meeting_months_ahead(
    session, make, smtp, mail_settings
):
    """The sweep looks as far ahead as the setting needs: with 70 working days (14 weeks) the
    agenda of a meeting 97 days away is already late (it looked 90 days ahead)."""
    settings = mail_settings.replace(agenda_due_working_days=70)
    with time_machine.travel(datetime(2027, 3, 10, 8, 30, tzinfo=UTC), tick=False):
        make.meeting(
            title="Far ahead", start=datetime(2027, 6, 15, 10), end=datetime(2027, 6, 15, 12)
        )
        moment = datetime(2027, 3, 10, 8, 30, tzinfo=UTC)
        assert agenda_due_date(date(2027, 6, 15), 70, set()) < moment.date()
        assert check_agenda_deadlines(session, settings, moment, "test") == 1
