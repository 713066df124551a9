"""The inbound-mail job against a real IMAP server (Dovecot): batched fetch, \\Seen only after
the commit, and nothing lost or doubled by a crash or by two fetchers at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from app import create_app
from app.audit.models import AuditEntry
from app.core import clock
from app.core.sqlite import write_intent
from app.extensions import db
from app.inbound import tasks
from app.inbound.imap import Mailbox
from app.inbound.models import EmailReply, InboundMessage, QuarantinedMessage
from app.invitations.models import Invitation, InvitationStatus
from app.settings import Settings
from tests.conftest import make_settings
from tests.databases import fresh_database
from tests.factories import Factory
from tests.inbound.conftest import ALLOWED, invite, seq
from tests.inbound.imap_server import ImapServer
from tests.inbound.messages import Answer, plain_email


def mailbox_settings(settings: Settings, imap: ImapServer) -> Settings:
    return settings.replace(
        inbound_imap_host="127.0.0.1",
        inbound_imap_port=imap.port,
        inbound_imap_user=imap.user,
        inbound_imap_password=imap.password,
        inbound_imap_tls=False,
        inbound_imap_allowed_sender_domains=ALLOWED,
    )


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _replies(session, make, count):
    first = invite(make, "p0@uk.example")
    people = [first] + [invite(make, f"p{n}@uk.example", first.meeting) for n in range(1, count)]
    current = seq(session, first)
    return people, [Answer(p.meeting.uid, p.address, sequence=current).email() for p in people]


def test_the_job_processes_the_mailbox_and_marks_it_seen_after_the_commit(
    session, make, imap, inbound_settings
):
    settings = mailbox_settings(inbound_settings, imap)
    people, raws = _replies(session, make, 3)
    imap.append([*raws, plain_email("<b>hi</b>", sender="x@uk.example", html=True)])
    assert tasks.fetch_inbound_mail(session, settings, clock.now(), "test") == 4
    assert {p.invitation.status for p in people} == {InvitationStatus.ACCEPTED}
    assert _count(session, QuarantinedMessage) == 1
    assert imap.unseen() == 0
    imap.append(raws[:1])  # the same message again (a copy): recorded once
    assert tasks.fetch_inbound_mail(session, settings, clock.now(), "test") == 0
    assert imap.unseen() == 0
    assert _count(session, EmailReply) == 3


def test_a_crash_after_the_commit_and_before_seen_loses_and_doubles_nothing(
    session, make, imap, inbound_settings, monkeypatch
):
    settings = mailbox_settings(inbound_settings, imap)
    people, raws = _replies(session, make, 5)
    imap.append(raws)
    monkeypatch.setattr(tasks, "BATCH", 2)
    real = Mailbox.mark_seen
    calls = []

    def crash_on_second_batch(self, uids):
        calls.append(list(uids))
        if len(calls) == 2:
            raise KeyboardInterrupt("killed between the commit and \\Seen")
        real(self, uids)

    monkeypatch.setattr(Mailbox, "mark_seen", crash_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        tasks.fetch_inbound_mail(session, settings, clock.now(), "test")
    assert imap.unseen() == 3  # batch 1 seen; batch 2 committed but not seen; batch 3 not read
    assert _count(session, InboundMessage) == 4
    monkeypatch.setattr(Mailbox, "mark_seen", real)
    assert tasks.fetch_inbound_mail(session, settings, clock.now(), "test") == 1
    assert imap.unseen() == 0
    assert _count(session, EmailReply) == 5
    assert {p.invitation.status for p in people} == {InvitationStatus.ACCEPTED}
    ids = [p.invitation.id for p in people]
    assert _count(
        session,
        AuditEntry,
        AuditEntry.action == "invitation.accepted",
        AuditEntry.entity_id.in_(ids),
    ) == len(ids)


def test_a_crash_before_the_commit_leaves_the_batch_to_the_next_run(
    session, make, imap, inbound_settings, monkeypatch
):
    settings = mailbox_settings(inbound_settings, imap)
    people, raws = _replies(session, make, 4)
    imap.append(raws)
    monkeypatch.setattr(tasks, "BATCH", 2)
    real = tasks.process_batch
    calls = []

    def crash_in_second_batch(*args, **kwargs):
        done = real(*args, **kwargs)
        calls.append(done)
        if len(calls) == 2:
            raise RuntimeError("killed before the commit")
        return done

    monkeypatch.setattr(tasks, "process_batch", crash_in_second_batch)
    with pytest.raises(RuntimeError):
        tasks.fetch_inbound_mail(session, settings, clock.now(), "test")
    session.rollback()  # what the scheduler does with a failed job
    assert imap.unseen() == 2
    assert _count(session, InboundMessage) == 2
    monkeypatch.setattr(tasks, "process_batch", real)
    assert tasks.fetch_inbound_mail(session, settings, clock.now(), "test") == 2
    assert _count(session, EmailReply) == 4
    assert imap.unseen() == 0
    assert {p.invitation.status for p in people} == {InvitationStatus.ACCEPTED}


def test_flask_mail_fetch_runs_the_job_once(
    app, cli, session, make, imap, inbound_settings, monkeypatch
):
    people, raws = _replies(session, make, 2)
    imap.append(raws)
    monkeypatch.setitem(
        app.extensions, "entente.settings", mailbox_settings(inbound_settings, imap)
    )
    result = cli.invoke(args=["mail", "fetch"])
    assert result.exit_code == 0, result.output
    assert "2 message(s) processed" in result.output
    assert {p.invitation.status for p in people} == {InvitationStatus.ACCEPTED}


def test_flask_mail_fetch_without_a_mailbox_says_so(cli):
    result = cli.invoke(args=["mail", "fetch"])
    assert result.exit_code != 0
    assert "No inbound mailbox is configured" in result.output


@pytest.fixture
def live_app(tmp_path: Path, app: Flask) -> Iterator[Flask]:
    with fresh_database(tmp_path) as url:
        application = create_app(make_settings(url, tmp_path / "instance"))
        with application.app_context():
            upgrade()
        try:
            yield application
        finally:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()


def test_two_fetchers_at_once_lose_and_double_nothing(live_app, imap, monkeypatch):
    monkeypatch.setattr(tasks, "BATCH", 7)
    settings = mailbox_settings(live_app.extensions["entente.settings"], imap)
    with live_app.app_context(), write_intent():
        session = db.session()
        _people, raws = _replies(session, Factory(session), 40)
        session.commit()
        db.session.remove()
    imap.append(raws)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    counts: list[int] = []

    def fetcher(name: str) -> None:
        with live_app.app_context(), write_intent():
            try:
                barrier.wait()
                counts.append(tasks.fetch_inbound_mail(db.session(), settings, clock.now(), name))
                db.session.commit()
            except BaseException as error:  # collected for the assertion
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=fetcher, args=(f"fetcher-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(counts) == 40
    assert imap.unseen() == 0
    with live_app.app_context():
        session = db.session()
        assert _count(session, InboundMessage) == 40
        assert _count(session, EmailReply) == 40
        assert _count(session, Invitation, Invitation.status == InvitationStatus.ACCEPTED) == 40
        assert _count(session, AuditEntry, AuditEntry.action == "invitation.accepted") == 40
        db.session.remove()
