"""Delivery through a real SMTP server: retries, permanent failures, crashes, injection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
import vobject
from sqlalchemy import select

from app.feeds.stamp import current_stamp
from app.invitations.tasks import send_invitations
from app.notifications import outbox
from app.notifications.models import OutboxMessage, OutboxStatus, SentLog
from app.notifications.tasks import deliver_outbox
from app.people.models import Side

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def invited(make, email="ann@uk.example", full_name="Ann Example", title=None):
    organisation = make.organisation(Side.UK)
    # Line breaks in names and titles are refused now (app.core.validation.text); rows saved
    # before may still hold them, so they are written straight to the rows here.
    person = make.stored_as(make.person(organisation, email=email), full_name=full_name)
    meeting = make.meeting()
    if title:
        make.stored_as(meeting, title=title)
    invitation = make.invitation(
        meeting,
        invitee_id=organisation.id,
        invitee_person_id=person.id,
        reply_deadline=datetime(2027, 3, 1, 17, 0, tzinfo=UTC),
    )
    return meeting, invitation


def row_for(session, key):
    return session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


def test_smtp_4xx_is_retried_with_backoff_and_delivered_once(session, make, smtp, mail_settings):
    server, _ = smtp
    server.refusals = ["451 4.3.0 Try again later", "421 4.7.0 Busy"]
    with time_machine.travel(T0, tick=False) as traveller:
        _, invitation = invited(make)
        assert send_invitations(session, mail_settings, T0, "test") == 1
        session.commit()
        assert deliver_outbox(session, mail_settings, T0, "test") == 0
        row = row_for(session, f"invitation:{invitation.id}")
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert "451" in row.last_error
        assert row.next_attempt_at == T0 + timedelta(minutes=1)
        assert deliver_outbox(session, mail_settings, T0, "test") == 0  # not due yet
        assert server.attempts == 1

        traveller.move_to(T0 + timedelta(minutes=1))
        assert deliver_outbox(session, mail_settings, T0 + timedelta(minutes=1), "test") == 0
        session.refresh(row)
        assert row.next_attempt_at == T0 + timedelta(minutes=3)  # 1, then 2 minutes

        traveller.move_to(T0 + timedelta(minutes=3))
        assert deliver_outbox(session, mail_settings, T0 + timedelta(minutes=3), "test") == 1
        assert deliver_outbox(session, mail_settings, T0 + timedelta(hours=1), "test") == 0
    session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 3, "")
    assert len(server.to("ann@uk.example")) == 1
    log = session.scalar(select(SentLog).where(SentLog.key == row.key))
    assert log is not None
    assert log.delivered_at is not None


def test_smtp_5xx_fails_for_good_and_a_person_can_retry(session, make, smtp, mail_settings, cli):
    server, _ = smtp
    server.refusals = ["550 5.1.1 Mailbox unavailable"]
    with time_machine.travel(T0, tick=False):
        _, invitation = invited(make)
        send_invitations(session, mail_settings, T0, "test")
        deliver_outbox(session, mail_settings, T0, "test")
        row = row_for(session, f"invitation:{invitation.id}")
        assert row.status is OutboxStatus.FAILED
        assert "550" in row.last_error
        assert deliver_outbox(session, mail_settings, T0 + timedelta(days=1), "test") == 0

        result = cli.invoke(args=["scheduler", "retry", str(row.id)])
        assert result.exit_code == 0, result.output
        assert deliver_outbox(session, mail_settings, T0, "test") == 1
        again = cli.invoke(args=["scheduler", "retry", str(row.id)])
        assert again.exit_code != 0
        assert "Only failed or uncertain" in again.output
    assert len(server.to("ann@uk.example")) == 1


def test_unreachable_server_is_a_transient_error(session, make, app):
    settings = app.extensions["entente.settings"].replace(smtp_port=1)
    with time_machine.travel(T0, tick=False):
        _, invitation = invited(make)
        send_invitations(session, settings, T0, "test")
        assert deliver_outbox(session, settings, T0, "test") == 0
    row = row_for(session, f"invitation:{invitation.id}")
    assert row.status is OutboxStatus.PENDING
    assert row.last_error.startswith("connection:")
    assert session.scalar(select(SentLog).where(SentLog.key == row.key)) is None


def test_a_crash_between_claim_and_outcome_is_never_resent_automatically(
    session, make, smtp, mail_settings, cli
):
    """Claim committed, then the process dies: the message may or may not have gone out. It
    becomes `uncertain` (at most once) and waits for a person; the sent-log key blocks any
    other sender meanwhile."""
    server, _ = smtp
    with time_machine.travel(T0, tick=False) as traveller:
        _, invitation = invited(make)
        send_invitations(session, mail_settings, T0, "test")
        claimed = outbox.claim_next(session, "crashed-process", T0)
        session.commit()
        assert claimed is not None
        # ... the process dies here. Other senders run, before and after the claim expires:
        assert deliver_outbox(session, mail_settings, T0 + timedelta(minutes=1), "other") == 0
        traveller.move_to(T0 + timedelta(minutes=6))
        assert deliver_outbox(session, mail_settings, T0 + timedelta(minutes=6), "other") == 0
        row = row_for(session, f"invitation:{invitation.id}")
        assert row.status is OutboxStatus.UNCERTAIN
        assert server.received == []

        status = cli.invoke(args=["scheduler", "status"])
        assert "uncertain" in status.output
        assert "ann@uk.example" in status.output
        assert cli.invoke(args=["scheduler", "retry", str(row.id)]).exit_code == 0
        assert deliver_outbox(session, mail_settings, T0 + timedelta(minutes=6), "other") == 1
    assert len(server.to("ann@uk.example")) == 1


def test_cr_lf_in_titles_and_names_injects_no_header_or_recipient(
    session, make, smtp, mail_settings
):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        invited(
            make,
            full_name="Eve\r\nBcc: victim@evil.example",
            title="Board\r\nBcc: spy@evil.example\r\n\r\n<script>x</script>",
        )
        assert send_invitations(session, mail_settings, T0, "test") == 1
        assert deliver_outbox(session, mail_settings, T0, "test") == 1
    [item] = server.received
    assert item.rcpt_tos == ["ann@uk.example"]
    header_lines = item.data.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")
    assert not [line for line in header_lines if line.lower().startswith(("bcc", "cc"))]
    message = item.message
    assert message["Bcc"] is None
    assert message["Subject"] == "Invitation: Board Bcc: spy@evil.example <script>x</script>"
    [to] = message["To"].addresses
    assert (to.addr_spec, to.display_name) == ("ann@uk.example", "Eve Bcc: victim@evil.example")
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_invalid_recipient_addresses_are_refused_at_the_outbox(session):
    for address in (
        "a@b.example\r\nBcc: c@d.example",
        "a@b.example, c@d.example",
        "Name <a@b.example>",
        "",
    ):
        draft = outbox.Draft(
            key=f"test:{address!r}",
            kind="invitation",
            recipient=address,
            recipient_name="X",
            subject="S",
            body_text="t",
            body_html="h",
        )
        assert outbox.enqueue(session, draft, T0) is False


def test_invitation_carries_an_itip_request_an_independent_parser_reads(
    session, make, smtp, mail_settings
):
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        meeting, _ = invited(make)
        send_invitations(session, mail_settings, T0, "test")
        deliver_outbox(session, mail_settings, T0, "test")
    [item] = server.received
    message = item.message
    parts = {part.get_content_type(): part for part in message.walk()}
    calendar_part = parts["text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    assert parts["application/ics"].get_filename() == "invite.ics"
    parsed = vobject.readOne(calendar_part.get_content())
    assert parsed.method.value == "REQUEST"
    event = parsed.vevent
    assert event.uid.value == meeting.uid
    assert int(event.sequence.value) == current_stamp(session, meeting).sequence
    assert event.organizer.value == "mailto:secretariat@entente.example"
    assert event.attendee.value == "mailto:ann@uk.example"
    assert event.attendee.params["RSVP"] == ["TRUE"]
    assert event.attendee.params["CN"] == ["Ann Example"]
    assert event.dtstart.value == meeting.start_utc
    # (vobject's tzinfo depends on which VTIMEZONE it read first in the process: ask the text)
    assert "DTSTART;TZID=Europe/London:20270316T100000" in calendar_part.get_content()
    assert parsed.vtimezone.tzid.value == "Europe/London"


def test_itip_times_survive_dst_in_an_independent_parser(session, make, smtp, mail_settings):
    """Summer, winter and the repeated autumn hour all read back as the same instant."""
    server, _ = smtp
    starts = [
        datetime(2027, 3, 16, 10, 0),  # GMT
        datetime(2027, 7, 6, 10, 0),  # BST
        datetime(2027, 10, 31, 1, 30),  # the repeated hour (first reading, BST)
    ]
    meetings = []
    with time_machine.travel(T0, tick=False):
        for index, start in enumerate(starts):
            organisation = make.organisation(Side.UK)
            person = make.person(organisation, email=f"dst{index}@uk.example")
            meeting = make.meeting(start=start, end=start + timedelta(hours=2))
            make.invitation(meeting, invitee_id=organisation.id, invitee_person_id=person.id)
            meetings.append(meeting)
        send_invitations(session, mail_settings, T0, "test")
        assert deliver_outbox(session, mail_settings, T0, "test") == 3
    for index, meeting in enumerate(meetings):
        [item] = server.to(f"dst{index}@uk.example")
        calendar_part = next(
            p for p in item.message.walk() if p.get_content_type() == "text/calendar"
        )
        event = vobject.readOne(calendar_part.get_content()).vevent
        assert event.dtstart.value == meeting.start_utc
        assert event.dtend.value == meeting.end_utc


def test_run_job_command_runs_one_sweep_now(session, make, cli):
    with time_machine.travel(T0, tick=False):
        invited(make)
        first = cli.invoke(args=["scheduler", "run-job", "invitation-emails"])
        again = cli.invoke(args=["scheduler", "run-job", "invitation-emails"])
        unknown = cli.invoke(args=["scheduler", "run-job", "no-such-job"])
    assert first.output.strip() == "invitation-emails: 1"
    assert again.output.strip() == "invitation-emails: 0"
    assert unknown.exit_code != 0
    assert "Invalid value" in unknown.output
