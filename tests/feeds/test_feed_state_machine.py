"""Property: whatever sequence of service calls happens, every feed stays right (issue 11).

After every step, for several readers (a viewer, a viewer linked to a person, an editor, the
public) and every scope (all, topic, organisation, person, kind):
- the feed served over HTTP (a conditional GET from the previous ETag) equals the feed built
  from scratch with every cache emptied (each app's memory and the `feed_event_cache` table);
- the ETag changed exactly when the body changed (a 304 exactly when it did not);
- a second app instance (its own memory, kept across steps like a second worker's) serves the
  same body under the same ETag;
- every event whose content changed for that reader carries a higher SEQUENCE;
- no restricted title, venue, topic or delegate reaches a reader who may not read the
  meeting, and a scoped feed (other than "all" and the reader's own person) holds only
  meetings they may read.

CI runs a bounded profile; a longer run:
    ENTENTE_HYPOTHESIS_PROFILE=long .venv/bin/pytest -q -p no:cacheprovider \
        tests/feeds/test_feed_state_machine.py
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import icalendar
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.agendas.services import AgendaItemInput, add_item
from app.agendas.versions import circulate
from app.auth import services as auth
from app.auth.linking import link_person
from app.auth.models import Role, User
from app.extensions import db
from app.feeds import services as feeds
from app.feeds.cache import FeedMemory, FeedPlan, render_feed
from app.feeds.models import FeedEventCache, FeedScope, FeedSubscription
from app.invitations import services as invitations
from app.meetings import services as meetings
from app.meetings.access import readable_ids
from app.meetings.delegations import add_participant, remove_participant
from app.meetings.models import Access, Meeting
from app.people.models import Side
from app.topics import services as topics
from tests import factories
from tests.helpers import call_in_savepoint

PROFILES: dict[str, dict[str, Any]] = {
    # no shrinking in CI: a failure prints its steps; shrink with the long profile
    "ci": {
        "max_examples": 3,
        "stateful_step_count": 8,
        "phases": (Phase.explicit, Phase.reuse, Phase.generate),
    },
    "long": {"max_examples": 30, "stateful_step_count": 25},  # about 5–10 minutes
}
PROFILE = PROFILES[os.environ.get("ENTENTE_HYPOTHESIS_PROFILE", "ci")]
KINDS = ("strategic-consultation", "policy-dialogue")
TOPICS = ("russia", "east-asia")
BUSY = "Details restricted"
# Lines that say nothing of the meeting: the revision counter and its time.
STAMP_LINES = (b"SEQUENCE", b"DTSTAMP", b"LAST-MODIFIED")


@dataclass
class Seen:
    etag: str
    body: bytes


def _events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def _content(event: icalendar.Event) -> bytes:
    lines = event.to_ical().replace(b"\r\n ", b"").split(b"\r\n")
    return b"\n".join(line for line in lines if not line.startswith(STAMP_LINES))


def _item_circulated(session: Session, actor: User | None, meeting_id: int, title: str) -> Any:
    """A new top-level agenda item, then the agenda circulated (its headline shows in feeds)."""
    add_item(session, actor, meeting_id, AgendaItemInput(title=title))
    return circulate(session, actor, meeting_id)


class FeedCalls(RuleBasedStateMachine):
    session: Session
    make: factories.Factory
    client: FlaskClient
    app: Flask

    meetings = Bundle("meetings")
    invitations = Bundle("invitations")

    def __init__(self) -> None:
        super().__init__()
        # Requests commit (release) the session's savepoint; this one, on the connection
        # below it, undoes the whole example.
        self.session.close()
        connection = db.engines[None]  # the test's connection (tests/conftest.py: session)
        self.example = connection.begin_nested()  # type: ignore[attr-defined]
        make = self.make
        self.uk = make.organisation(Side.UK, code=f"UK-SM{id(self) % 100000}")
        self.eu = make.organisation(Side.EU)
        self.people = [
            make.person(self.uk, full_name="Delegate Alpha"),
            make.person(self.eu, full_name="Delegate Beta"),
        ]
        self.viewer = make.user(Role.VIEWER)
        self.linked = make.user(Role.VIEWER)
        self.linked.person_id = self.people[0].id
        self.editor = make.user(Role.EDITOR)
        scopes = [
            "all",
            "topic:russia",
            f"organisation:{self.uk.code}",
            f"person:{self.people[0].id}",
            "kind:strategic-consultation",
        ]
        self.subscriptions: dict[str, tuple[FeedSubscription, str]] = {}
        for user, name in ((self.viewer, "viewer"), (self.linked, "linked"), (self.editor, "ed")):
            for scope in scopes:
                kind, ref = feeds.parse_scope(scope)
                subscription, token = feeds.create_subscription(self.session, user, kind, ref)
                self.subscriptions[f"{name} {scope}"] = (subscription, f"/feeds/{token}.ics")
        self.session.commit()
        self.seen: dict[str, Seen] = {}
        self.other_memory = FeedMemory()  # a second worker's, kept across steps
        self.counter = 0
        self.secrets: dict[int, tuple[str, ...]] = {}  # meeting id → its words

    # --- service calls -------------------------------------------------------------------
    def _call(self, function: Any, *args: Any, **kwargs: Any) -> Any:
        result = call_in_savepoint(self.session, function, *args, **kwargs)
        self.session.commit()
        return result

    def _unique(self) -> int:
        self.counter += 1
        return self.counter

    @initialize(target=meetings, access=st.sampled_from(list(Access)), chaired=st.booleans())
    def first_meeting(self, access: Access, chaired: bool) -> Any:
        """Every example starts with a meeting in every scope the feeds take."""
        return self.create_meeting(0, access, "russia", KINDS[0], "uk", chaired)

    @rule(
        target=meetings,
        day=st.integers(-800, 400),
        access=st.sampled_from(list(Access)),
        topic=st.sampled_from(TOPICS),
        kind=st.sampled_from(KINDS),
        host=st.sampled_from(["uk", "eu", None]),
        chaired=st.booleans(),
    )
    def create_meeting(
        self, day: int, access: Access, topic: str, kind: str, host: str | None, chaired: bool
    ) -> Any:
        n = self._unique()
        start = datetime(2027, 1, 4, 10) + timedelta(days=day)
        org = {"uk": self.uk, "eu": self.eu, None: None}[host]
        result = self._call(
            meetings.create_meeting,
            self.make.meeting_input(
                title=f"Title{n}Z",
                venue=f"Venue{n}Z",
                start=start,
                end=start + timedelta(hours=2),
                timezone="Europe/Brussels",
                access=access,
                topics=[topic],
                kind=kind,
                host_organisation_id=org.id if org else None,
                chair_id=self.people[0].id if chaired else None,
            ),
        )
        if result is None:
            return None
        self.secrets[result.meeting.id] = (f"Title{n}Z", f"Venue{n}Z")
        return result.meeting.id

    def _edit(self, meeting_id: int, **changes: Any) -> None:
        current = meetings.input_from(meetings.get_meeting(self.session, meeting_id))
        self._call(meetings.update_meeting, meeting_id, dataclasses.replace(current, **changes))

    @rule(meeting=meetings, days=st.integers(-400, 400))
    def move(self, meeting: int | None, days: int) -> None:
        if meeting is not None:
            current = meetings.input_from(meetings.get_meeting(self.session, meeting))
            shift = timedelta(days=days)
            self._edit(meeting, start=current.start + shift, end=current.end + shift)

    @rule(meeting=meetings)
    def cancel(self, meeting: int | None) -> None:
        if meeting is not None:
            self._call(meetings.cancel_meeting, meeting)

    @rule(meeting=meetings, access=st.sampled_from(list(Access)))
    def set_access(self, meeting: int | None, access: Access) -> None:
        if meeting is not None:
            self._edit(meeting, access=access)

    @rule(meeting=meetings, topic=st.sampled_from(TOPICS))
    def retopic(self, meeting: int | None, topic: str) -> None:
        if meeting is not None:
            self._edit(meeting, topics=[topic])

    @rule(target=invitations, meeting=meetings, to_uk=st.booleans())
    def invite(self, meeting: int | None, to_uk: bool) -> Any:
        if meeting is None:
            return None
        inviter, invitee = (self.eu, self.uk) if to_uk else (self.uk, self.eu)
        invitation = self._call(
            invitations.issue_invitation,
            invitations.InvitationInput(
                meeting_id=meeting, inviter_id=inviter.id, invitee_id=invitee.id
            ),
        )
        return invitation.id if invitation else None

    @rule(invitation=invitations)
    def withdraw(self, invitation: int | None) -> None:
        if invitation is not None:
            self._call(invitations.withdraw_invitation, invitation)

    @rule(meeting=meetings, person=st.integers(0, 1))
    def add_delegate(self, meeting: int | None, person: int) -> None:
        if meeting is not None:
            self._call(add_participant, meeting, self.people[person].id)

    @rule(meeting=meetings, person=st.integers(0, 1))
    def remove_delegate(self, meeting: int | None, person: int) -> None:
        if meeting is not None:
            self._call(remove_participant, meeting, self.people[person].id)

    @rule(which=st.sampled_from(["viewer", "linked"]), role=st.sampled_from(list(Role)))
    def set_role(self, which: str, role: Role) -> None:
        self._call(auth.set_role, getattr(self, which).id, role)

    @rule(which=st.sampled_from(["viewer", "linked"]), person=st.sampled_from([None, 0, 1]))
    def link(self, which: str, person: int | None) -> None:
        # Through the service: a person already linked to the other account is refused.
        person_id = None if person is None else self.people[person].id
        self._call(link_person, getattr(self, which).id, person_id)

    @rule(meeting=meetings)
    def circulate_agenda(self, meeting: int | None) -> None:
        if meeting is not None:
            title = f"Item{self._unique()}Z"
            if self._call(_item_circulated, meeting, title) is not None:
                self.secrets[meeting] = (*self.secrets.get(meeting, ()), title)

    @rule(topic=st.sampled_from(TOPICS))
    def rename_topic(self, topic: str) -> None:
        found = topics.get_topic_by_slug(self.session, topic)
        self._call(topics.update_topic, found.id, name=f"Topic {self._unique()}")

    # --- the checks ----------------------------------------------------------------------
    def _plan(self, subscription: FeedSubscription | None) -> FeedPlan:
        config = self.app.extensions["entente.settings"]
        options = {
            "base_url": config.base_url,
            "refresh_minutes": config.feed_refresh_minutes,
            "home_zone": config.display_timezone,
        }
        if subscription is None:
            return feeds.plan_public(**options)
        self.session.refresh(subscription)
        return feeds.plan_for_subscription(self.session, subscription, **options)

    def _from_scratch(self, subscription: FeedSubscription | None) -> bytes:
        nested = self.session.begin_nested()
        try:
            self.session.execute(delete(FeedEventCache))
            return render_feed(self.session, self._plan(subscription), FeedMemory()).body
        finally:
            nested.rollback()

    def _fetch(self, path: str, etag: str | None) -> tuple[int, str, bytes]:
        headers = {"If-None-Match": f'"{etag}"'} if etag else {}
        response = self.client.get(path, headers=headers)
        assert response.status_code in (200, 304), (path, response.status_code)
        return response.status_code, response.headers["ETag"].strip('"'), response.data

    @invariant()
    def every_feed_is_right(self) -> None:
        feeds_now: dict[str, tuple[FeedSubscription | None, str, User | None]] = {
            name: (subscription, path, subscription.user)
            for name, (subscription, path) in self.subscriptions.items()
        }
        feeds_now["public"] = (None, "/feeds/public.ics", None)
        ids = list(self.session.scalars(select(Meeting.id)))
        for name, (subscription, path, user) in feeds_now.items():
            before = self.seen.get(name)
            status, etag, body = self._fetch(path, before.etag if before else None)
            if status == 304:
                assert before is not None
                assert etag == before.etag, name
                body = before.body
            elif before is not None:
                assert body != before.body, f"{name}: a new ETag for the same body"
                assert etag != before.etag, f"{name}: a new body under the same ETag"
            assert body == self._from_scratch(subscription), f"{name}: served ≠ from scratch"
            self._check_other_worker(path, etag, body, name)
            self._check_need_to_know(name, subscription, user, body, ids)
            if before is not None:
                self._check_sequences(name, before.body, body)
            self.seen[name] = Seen(etag, body)

    def _check_other_worker(self, path: str, etag: str, body: bytes, name: str) -> None:
        mine = self.app.extensions["entente.feed_memory"]
        self.app.extensions["entente.feed_memory"] = self.other_memory
        try:
            status, other_etag, other_body = self._fetch(path, None)
        finally:
            self.app.extensions["entente.feed_memory"] = mine
        assert status == 200
        assert (other_etag, other_body) == (etag, body), f"{name}: the two workers disagree"

    def _check_need_to_know(
        self,
        name: str,
        subscription: FeedSubscription | None,
        user: User | None,
        body: bytes,
        ids: list[int],
    ) -> None:
        events = _events(body)
        uids: dict[str, int] = dict(self.session.execute(select(Meeting.uid, Meeting.id)).all())  # type: ignore[arg-type]
        if user is None:  # the public feed: public meetings, in full
            public = set(
                self.session.scalars(select(Meeting.uid).where(Meeting.access == Access.PUBLIC))
            )
            assert set(events) <= public, name
            return
        readable = readable_ids(self.session, user, ids)
        assert subscription is not None
        own_person = (
            subscription.scope is FeedScope.PERSON
            and user.person_id is not None
            and subscription.scope_ref == str(user.person_id)
        )
        busy_allowed = subscription.scope is FeedScope.ALL or own_person
        for uid, event in events.items():
            meeting_id = uids[uid]
            if meeting_id in readable:
                assert not str(event["summary"]).endswith(BUSY), f"{name}: readable, yet busy"
                continue
            assert busy_allowed, f"{name}: a meeting the reader may not read, in a scope"
            assert str(event["summary"]).endswith(BUSY), name  # "Cancelled: ..." too
            for field in ("location", "description", "categories", "url"):
                assert field not in event, (name, field)
        for meeting_id, words in self.secrets.items():
            if meeting_id not in readable:
                for word in words:
                    assert word.encode() not in body, f"{name}: {word} leaked"

    def _check_sequences(self, name: str, old_body: bytes, new_body: bytes) -> None:
        old, new = _events(old_body), _events(new_body)
        for uid in old.keys() & new.keys():
            if _content(old[uid]) != _content(new[uid]):
                assert int(new[uid]["sequence"]) > int(old[uid]["sequence"]), (
                    f"{name}: {uid} changed without a higher SEQUENCE"
                )

    def teardown(self) -> None:
        try:
            self.session.close()
        finally:
            self.example.rollback()
            self.session.expunge_all()


def test_every_feed_stays_right_whatever_happens(
    app: Flask, client: FlaskClient, session: Session, make: factories.Factory
) -> None:
    FeedCalls.app = app
    FeedCalls.client = client
    FeedCalls.session = session
    FeedCalls.make = make
    session.commit()  # the default topics and kinds the factory made, under every example
    run_state_machine_as_test(
        FeedCalls,
        settings=settings(
            **PROFILE,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert db.session() is session
