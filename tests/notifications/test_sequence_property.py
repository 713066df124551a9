"""Property: whatever happens to a meeting (moved, retitled, cancelled, delegates added or
removed, invitations issued or withdrawn, agenda circulated), the SEQUENCE a calendar feed
shows never goes down, and every iTIP message the e-mail jobs generate carries the feed's
SEQUENCE of that moment, so the messages' SEQUENCEs never go down either; and each message a
person gets has a higher SEQUENCE than the one before, or their calendar would ignore it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import time_machine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.agendas.services import AgendaItemInput, add_item
from app.agendas.versions import circulate
from app.core.errors import EntenteError
from app.invitations.models import Invitation, InvitationStatus
from app.invitations.services import withdraw_invitation
from app.invitations.tasks import send_invitations
from app.meetings.delegations import add_participant, remove_participant
from app.meetings.services import cancel_meeting, get_meeting, input_from, move_meeting
from app.meetings.services import update_meeting as update
from app.meetings.tasks import notify_meeting_changes
from app.notifications.models import OutboxMessage
from app.people.models import Side
from tests.factories import Factory
from tests.feeds.conftest import FeedHelper

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)

steps = st.one_of(
    st.tuples(st.just("move"), st.integers(-5, 5).filter(bool)),
    st.tuples(st.just("retitle"), st.integers(0, 99)),
    st.tuples(st.just("cancel"), st.just(0)),
    st.tuples(st.just("add_delegate"), st.integers(0, 1)),
    st.tuples(st.just("remove_delegate"), st.integers(0, 1)),
    st.tuples(st.just("invite"), st.integers(0, 1)),
    st.tuples(st.just("withdraw"), st.integers(0, 1)),
    st.tuples(st.just("circulate"), st.integers(0, 99)),
)


class Story:
    """One meeting, two UK people who may be delegates or invitees, an editor's feed."""

    def __init__(self, session: Session, make: Factory, feed: FeedHelper) -> None:
        self.session, self.make, self.feed = session, make, feed
        self.meeting = make.meeting()
        self.eu = make.organisation(Side.EU)
        self.organisations = [make.organisation(Side.UK), make.organisation(Side.UK)]
        self.people = [
            make.person(organisation, email=f"p{make_id}@uk.example")
            for organisation, make_id in zip(
                self.organisations, (self.meeting.id * 10, self.meeting.id * 10 + 1), strict=True
            )
        ]
        _editor, self.path = feed.subscribe()
        self.seen_messages = 0

    def apply(self, step: str, value: int) -> None:
        actions: dict[str, Callable[[int], Any]] = {
            "move": self._move,
            "retitle": self._retitle,
            "cancel": lambda _v: cancel_meeting(self.session, None, self.meeting.id, reason="x"),
            "add_delegate": lambda v: add_participant(
                self.session, None, self.meeting.id, self.people[v].id
            ),
            "remove_delegate": lambda v: remove_participant(
                self.session, None, self.meeting.id, self.people[v].id
            ),
            "invite": lambda v: self.make.invitation(
                self.meeting,
                inviter_id=self.eu.id,
                invitee_id=self.organisations[v].id,
                invitee_person_id=self.people[v].id,
            ),
            "withdraw": self._withdraw,
            "circulate": self._circulate,
        }
        nested = self.session.begin_nested()
        try:
            actions[step](value)
        except EntenteError:  # refused (e.g. the meeting is cancelled): nothing written
            nested.rollback()
        else:
            nested.commit()
        self.session.commit()

    def _move(self, days: int) -> None:
        current = input_from(get_meeting(self.session, self.meeting.id))
        shift = timedelta(days=days)
        move_meeting(
            self.session, None, self.meeting.id, current.start + shift, current.end + shift
        )

    def _retitle(self, n: int) -> None:
        current = input_from(get_meeting(self.session, self.meeting.id))
        current.title = f"Consultations round {n}"
        update(self.session, None, self.meeting.id, current)

    def _withdraw(self, index: int) -> None:
        invitation = self.session.scalar(
            select(Invitation).where(
                Invitation.meeting_id == self.meeting.id,
                Invitation.invitee_id == self.organisations[index].id,
                Invitation.status == InvitationStatus.INVITED,
            )
        )
        if invitation is not None:
            withdraw_invitation(self.session, None, invitation.id)

    def _circulate(self, n: int) -> None:
        add_item(self.session, None, self.meeting.id, AgendaItemInput(title=f"Item {n}"))
        circulate(self.session, None, self.meeting.id)

    def new_messages(self) -> list[tuple[str, int]]:
        """(recipient, SEQUENCE) of the iTIP parts the jobs queued since the last call."""
        rows = self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.meeting_id == self.meeting.id)
            .order_by(OutboxMessage.id)
        ).all()
        fresh, self.seen_messages = rows[self.seen_messages :], len(rows)
        sequences = []
        for row in fresh:
            if row.calendar:
                [event] = icalendar.Calendar.from_ical(row.calendar).walk("VEVENT")
                sequences.append((row.recipient, int(event["sequence"])))
        return sequences

    def feed_sequence(self) -> int:
        """The feed over HTTP, read by icalendar only (tests/feeds run every reader)."""
        response = self.feed.client.get(self.path)
        assert response.status_code == 200
        [event] = [
            event
            for event in icalendar.Calendar.from_ical(response.data).walk("VEVENT")
            if str(event["uid"]) == self.meeting.uid
        ]
        return int(event["sequence"])


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(story=st.lists(steps, min_size=1, max_size=8))
@example(story=[("invite", 0), ("withdraw", 0), ("invite", 0), ("move", 1)])
@example(story=[("circulate", 1), ("add_delegate", 1), ("circulate", 2), ("cancel", 0)])
def test_feed_and_itip_sequences_agree_and_never_go_down(
    session, make, client, app, story: list[tuple[str, int]]
):
    settings_ = app.extensions["entente.settings"]
    with time_machine.travel(T0, tick=False) as traveller:
        scene = Story(session, make, FeedHelper(session, client, make))
        feed_sequences = [scene.feed_sequence()]
        message_sequences: list[int] = []
        last_to: dict[str, int] = {}
        for step, value in story:
            traveller.shift(timedelta(minutes=1))
            scene.apply(step, value)
            now = datetime.now(UTC)
            send_invitations(session, settings_, now, "test")
            notify_meeting_changes(session, settings_, now, "test")
            session.commit()
            current = scene.feed_sequence()
            fresh = scene.new_messages()
            assert all(sequence == current for _to, sequence in fresh), (step, fresh, current)
            for to, sequence in fresh:
                assert sequence > last_to.get(to, -1), (step, to, sequence, last_to)
                last_to[to] = sequence
            assert current >= feed_sequences[-1], (step, feed_sequences, current)
            feed_sequences.append(current)
            message_sequences.extend(sequence for _to, sequence in fresh)
        assert message_sequences == sorted(message_sequences)
