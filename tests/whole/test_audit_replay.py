"""Property: whatever sequence of service calls happens, the audit log replays to the state in
the database. Each entity's history starts with a full snapshot ("*.created"/"*.issued") and
continues with {field: [old, new]} diffs; replaying them, every `old` must be what the replay
holds at that point, and the end must equal the stored rows.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, rule, run_state_machine_as_test
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEntry
from app.core.db import as_plain
from app.invitations import services as invitations
from app.invitations.models import Invitation
from app.meetings import services as meetings
from app.meetings.models import Meeting
from app.people.models import Side
from app.topics import services as topics
from app.topics.models import TopicArea
from tests import factories
from tests.helpers import call_in_savepoint

# Which audit actions carry field diffs of the entity itself (others, e.g. participants or
# agenda items logged against a meeting, describe related rows).
REPLAYED = {"topic": "topic.", "meeting": "meeting.", "invitation": "invitation."}
TOPIC_FIELDS = ("slug", "name", "description", "is_active")
INVITATION_FIELDS = (
    "meeting_id",
    "inviter_id",
    "invitee_id",
    "invitee_person_id",
    "scope",
    "reply_deadline",
    "status",
    "message",
    "representative_id",
    "reply_note",
)
ZONES = ("Europe/London", "Europe/Brussels", "UTC")
words = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).map(str.strip).filter(bool)


def stored_state(session: Session) -> dict[tuple[str, int], dict[str, Any]]:
    state: dict[tuple[str, int], dict[str, Any]] = {}
    for topic in session.scalars(select(TopicArea)):
        state["topic", topic.id] = {name: as_plain(getattr(topic, name)) for name in TOPIC_FIELDS}
    for meeting in session.scalars(select(Meeting)):
        state["meeting", meeting.id] = as_plain(meetings._snapshot(meeting))
    for invitation in session.scalars(select(Invitation)):
        state["invitation", invitation.id] = {
            name: as_plain(getattr(invitation, name)) for name in INVITATION_FIELDS
        }
    return state


def replayed_state(session: Session) -> dict[tuple[str, int], dict[str, Any]]:
    state: dict[tuple[str, int], dict[str, Any]] = {}
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        prefix = REPLAYED.get(entry.entity_type)
        if prefix is None or not entry.action.startswith(prefix) or entry.entity_id is None:
            continue
        key = (entry.entity_type, entry.entity_id)
        if entry.action in {"topic.created", "meeting.created", "invitation.issued"}:
            assert key not in state, f"{key} created twice"
            state[key] = dict(entry.changes)
            continue
        assert key in state, f"{entry.action} for {key} before its creation"
        for name, change in entry.changes.items():
            old, new = change
            assert state[key].get(name) == old, (entry.action, key, name, state[key].get(name), old)
            state[key][name] = new
    return state


def project(state: dict[tuple[str, int], dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """Compare what both sides record (creation snapshots may hold extra keys, e.g. item ids)."""
    fields = {"topic": TOPIC_FIELDS, "invitation": INVITATION_FIELDS}
    projected = {}
    for (kind, entity_id), values in state.items():
        names = fields.get(kind, tuple(values))
        projected[kind, entity_id] = {name: values.get(name) for name in names}
    return projected


class ServiceCalls(RuleBasedStateMachine):
    session: Session
    make: factories.Factory

    topics = Bundle("topics")
    meetings = Bundle("meetings")
    invitations = Bundle("invitations")

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = self.session.begin_nested()
        self.uk = self.make.organisation(Side.UK)
        self.eu = self.make.organisation(Side.EU)
        self.uk_person = self.make.person(self.uk)
        self.counter = 0

    def _call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        return call_in_savepoint(self.session, function, *args, **kwargs)

    def _unique(self) -> int:
        self.counter += 1
        return self.counter

    @rule(target=topics, name=words)
    def create_topic(self, name: str) -> Any:
        n = self._unique()
        topic = self._call(topics.create_topic, f"prop-{n}", f"{name} {n}")
        return topic.id if topic else None

    @rule(topic=topics, name=words, description=words, active=st.booleans())
    def update_topic(self, topic: int | None, name: str, description: str, active: bool) -> None:
        if topic is not None:
            self._call(
                topics.update_topic,
                topic,
                name=f"{name} u{self._unique()}",
                description=description,
                is_active=active,
            )

    @rule(
        target=meetings,
        title=words,
        day=st.integers(0, 400),
        hour=st.integers(6, 20),
        hours=st.integers(1, 6),
        zone=st.sampled_from(ZONES),
        status=st.sampled_from(["tentative", "confirmed", "postponed"]),
    )
    def create_meeting(
        self, title: str, day: int, hour: int, hours: int, zone: str, status: str
    ) -> Any:
        start = datetime(2027, 1, 4, hour) + timedelta(days=day)
        result = self._call(
            meetings.create_meeting,
            self.make.meeting_input(
                title=title,
                start=start,
                end=start + timedelta(hours=hours),
                timezone=zone,
                status=status,
            ),
        )
        return result.meeting.id if result else None

    @rule(
        meeting=meetings,
        title=st.none() | words,
        venue=st.none() | words,
        shift_days=st.integers(-30, 30),
        status=st.none() | st.sampled_from(["tentative", "confirmed", "postponed", "cancelled"]),
    )
    def update_meeting(
        self,
        meeting: int | None,
        title: str | None,
        venue: str | None,
        shift_days: int,
        status: str | None,
    ) -> None:
        if meeting is None:
            return
        current = meetings.input_from(meetings.get_meeting(self.session, meeting))
        changes: dict[str, Any] = {
            "start": current.start + timedelta(days=shift_days),
            "end": current.end + timedelta(days=shift_days),
        }
        if title is not None:
            changes["title"] = title
        if venue is not None:
            changes["venue"] = venue
        if status is not None:
            changes["status"] = status
        self._call(meetings.update_meeting, meeting, dataclasses.replace(current, **changes))

    @rule(
        meeting=meetings,
        status=st.sampled_from(["tentative", "confirmed", "postponed", "cancelled"]),
    )
    def change_status(self, meeting: int | None, status: str) -> None:
        if meeting is not None:
            self._call(meetings.change_status, meeting, status)

    @rule(target=invitations, meeting=meetings, days_before=st.none() | st.integers(1, 20))
    def issue(self, meeting: int | None, days_before: int | None) -> Any:
        if meeting is None:
            return None
        start = meetings.get_meeting(self.session, meeting).start_utc
        deadline = None if days_before is None else start - timedelta(days=days_before)
        invitation = self._call(
            invitations.issue_invitation,
            invitations.InvitationInput(
                meeting_id=meeting,
                inviter_id=self.eu.id,
                invitee_id=self.uk.id,
                reply_deadline=deadline,
                message=f"Invitation {self._unique()}",
            ),
        )
        return invitation.id if invitation else None

    @rule(
        invitation=invitations,
        status=st.sampled_from(["accepted", "declined", "tentative"]),
        with_person=st.booleans(),
        note=st.just("") | words,
    )
    def reply(self, invitation: int | None, status: str, with_person: bool, note: str) -> None:
        if invitation is not None:
            self._call(
                invitations.reply_to_invitation,
                invitation,
                status,
                representative_id=self.uk_person.id if with_person else None,
                note=note,
            )

    @rule(invitation=invitations)
    def withdraw(self, invitation: int | None) -> None:
        if invitation is not None:
            self._call(invitations.withdraw_invitation, invitation)

    @rule(invitation=invitations, days_before=st.none() | st.integers(1, 10))
    def move_deadline(self, invitation: int | None, days_before: int | None) -> None:
        if invitation is None:
            return
        start = invitations.get_invitation(self.session, invitation).meeting.start_utc
        deadline = None if days_before is None else start - timedelta(days=days_before)
        self._call(invitations.set_reply_deadline, invitation, deadline)

    def teardown(self) -> None:
        try:
            self.session.flush()
            stored = stored_state(self.session)
            replayed = replayed_state(self.session)
            assert set(replayed) == set(stored)
            assert project(replayed) == project(stored)
        finally:
            self.savepoint.rollback()
            self.session.expunge_all()  # ids are reused after a rollback (SQLite)


def test_audit_log_replays_to_the_stored_state(session: Session, make: factories.Factory) -> None:
    ServiceCalls.session = session
    ServiceCalls.make = make
    run_state_machine_as_test(
        ServiceCalls,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
