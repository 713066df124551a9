"""One SEQUENCE per meeting: the iTIP part of every e-mail carries the SEQUENCE the calendar
feeds show at that moment, and each message about a meeting carries a higher one than the
message before it whenever the attendee list changed in between."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import time_machine

from app.feeds.cache import forget_memory
from app.invitations.services import withdraw_invitation
from app.invitations.tasks import send_invitations
from app.meetings.tasks import notify_meeting_changes
from app.notifications.tasks import deliver_outbox
from app.people.models import Side
from tests.feeds.conftest import FeedHelper

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
ANN = "ann@uk.example"


def itip_of(item) -> tuple[str, int, datetime]:
    """(METHOD, SEQUENCE, LAST-MODIFIED) of a received message's calendar part."""
    part = next(p for p in item.message.walk() if p.get_content_type() == "text/calendar")
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    return str(calendar["method"]), int(event["sequence"]), event["last-modified"].dt


def run_jobs(session, settings, now) -> None:
    """The scheduler's e-mail jobs, in the order it lists them, then delivery."""
    send_invitations(session, settings, now, "test")
    session.commit()
    notify_meeting_changes(session, settings, now, "test")
    session.commit()
    deliver_outbox(session, settings, now, "test")


class Scene:
    def __init__(self, session, make, client) -> None:
        forget_memory()
        self.session, self.make = session, make
        self.feed = FeedHelper(session, client, make)
        self.meeting = make.meeting(title="Strategic consultations")
        self.uk, self.eu = make.organisation(Side.UK), make.organisation(Side.EU)
        self.ann = make.person(self.uk, email=ANN, full_name="Ann Example")
        _editor, self.path = self.feed.subscribe()

    def invite(self):
        return self.make.invitation(
            self.meeting,
            inviter_id=self.eu.id,
            invitee_id=self.uk.id,
            invitee_person_id=self.ann.id,
        )

    def feed_sequence(self) -> int:
        return self.feed_state()[0]

    def feed_state(self) -> tuple[int, datetime]:
        """(SEQUENCE, LAST-MODIFIED) of the meeting in the editor's feed, over HTTP."""
        event = self.feed.get(self.path).event(self.meeting.uid)
        return int(event["sequence"]), event["last-modified"].dt


def test_request_cancel_and_new_request_rise_and_match_the_feed(
    session, make, client, smtp, mail_settings
):
    server, _ = smtp
    feed_states = []
    with time_machine.travel(T0, tick=False):
        scene = Scene(session, make, client)
        first = scene.invite()
        run_jobs(session, mail_settings, T0)
        feed_states.append(scene.feed_state())
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        withdraw_invitation(session, None, first.id)
        session.commit()
        run_jobs(session, mail_settings, T0 + timedelta(hours=1))
        feed_states.append(scene.feed_state())
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        scene.invite()
        session.commit()
        run_jobs(session, mail_settings, T0 + timedelta(hours=2))
        feed_states.append(scene.feed_state())

    messages = [itip_of(item) for item in server.to(ANN)]
    assert [method for method, _, _ in messages] == ["REQUEST", "CANCEL", "REQUEST"]
    assert [(sequence, changed) for _, sequence, changed in messages] == feed_states
    sequences = [sequence for _, sequence, _ in messages]
    assert sequences[0] < sequences[1] < sequences[2]


def test_withdrawn_and_invited_again_before_the_jobs_run_keeps_the_entry(
    session, make, client, smtp, mail_settings
):
    """Withdrawn and invited again between two runs: the new REQUEST is the last word; a
    CANCEL after it, with the same SEQUENCE, would delete the entry she is invited to."""
    server, _ = smtp
    with time_machine.travel(T0, tick=False):
        scene = Scene(session, make, client)
        first = scene.invite()
        run_jobs(session, mail_settings, T0)
        withdraw_invitation(session, None, first.id)
        scene.invite()
        session.commit()
        run_jobs(session, mail_settings, T0)
        feed_sequence = scene.feed_sequence()
    messages = [itip_of(item) for item in server.to(ANN)]
    assert [method for method, _, _ in messages] == ["REQUEST", "REQUEST"]
    assert messages[0][1] < messages[1][1] == feed_sequence
