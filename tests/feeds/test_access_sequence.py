"""A change of who may read a meeting is a change of the event: when a subscriber's feed
switches an event between a busy block and the full entry, its SEQUENCE rises and its DTSTAMP
moves on, so a client that trusts SEQUENCE takes the new copy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from flask.testing import FlaskClient

from app.auth import services as auth
from app.auth.models import Role
from app.meetings.delegations import add_participant
from app.meetings.models import Access
from tests.feeds.conftest import FeedHelper

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
HIDDEN = "Details restricted"


def seen(feed: FeedHelper, path: str, uid: str) -> tuple[str, int, datetime]:
    """(SUMMARY, SEQUENCE, DTSTAMP) of one event in a feed fetched over HTTP."""
    event = feed.get(path).event(uid)
    return str(event["summary"]), int(event["sequence"]), event["dtstamp"].dt


def api_patch(client: FlaskClient, token: str, user_id: int, body: dict[str, object]) -> None:
    response = client.patch(
        f"/api/v1/users/{user_id}", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.get_json()


def test_promotion_and_demotion_raise_the_sequence_of_the_events_that_switch(
    feed, make, session, client
):
    with time_machine.travel(T0, tick=False):
        secret = make.meeting(title="Sanctions: next package", access=Access.RESTRICTED)
        open_talks = make.meeting(
            title="Open talks", start=datetime(2027, 3, 17, 10), end=datetime(2027, 3, 17, 12)
        )
        viewer, path = feed.subscribe(make.user(Role.VIEWER))
        admin = make.user(Role.ADMIN)
        token = auth.issue_api_token(session, None, admin.id)
        session.commit()
        summary, sequence, stamp = seen(feed, path, secret.uid)
        assert summary == HIDDEN
        untouched = seen(feed, path, open_talks.uid)

    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        auth.set_role(session, None, viewer.id, Role.EDITOR)  # the web admin page's service
        session.commit()
        promoted = seen(feed, path, secret.uid)
        assert promoted[0] == "Sanctions: next package"
        assert promoted[1] > sequence
        assert promoted[2] > stamp
        assert seen(feed, path, open_talks.uid) == untouched  # no switch, no new revision

    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        api_patch(client, token, viewer.id, {"role": "viewer"})  # PATCH /api/v1/users/ID
        demoted = seen(feed, path, secret.uid)
        assert demoted[0] == HIDDEN
        assert demoted[1] > promoted[1]
        assert demoted[2] > promoted[2]
        assert seen(feed, path, open_talks.uid) == untouched


def test_linking_and_unlinking_a_delegate_raise_the_sequence(feed, make, session):
    with time_machine.travel(T0, tick=False):
        delegate = make.person(full_name="Priya Raman")
        secret = make.meeting(title="Sanctions: next package", access=Access.RESTRICTED)
        other_secret = make.meeting(title="Another room", access=Access.RESTRICTED)
        add_participant(session, None, secret.id, delegate.id)
        viewer, path = feed.subscribe(make.user(Role.VIEWER))
        summary, sequence, stamp = seen(feed, path, secret.uid)
        assert summary == HIDDEN
        elsewhere = seen(feed, path, other_secret.uid)

    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        session.expire_all()  # as in a new request: set without reading the old value first
        viewer.person_id = delegate.id
        session.commit()
        linked = seen(feed, path, secret.uid)
        assert linked[0] == "Sanctions: next package"
        assert linked[1] > sequence
        assert linked[2] > stamp
        assert seen(feed, path, other_secret.uid) == elsewhere  # still hidden, unchanged

    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        viewer.person_id = None
        session.commit()
        unlinked = seen(feed, path, secret.uid)
        assert unlinked[0] == HIDDEN
        assert unlinked[1] > linked[1]
        assert unlinked[2] > linked[2]


def test_disabling_an_editor_raises_the_sequence_of_what_they_no_longer_read(feed, make, session):
    with time_machine.travel(T0, tick=False):
        secret = make.meeting(title="Sanctions: next package", access=Access.RESTRICTED)
        editor, path = feed.subscribe(make.user(Role.EDITOR))
        before = seen(feed, path, secret.uid)
        assert before[0] == "Sanctions: next package"
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        auth.set_active(session, None, editor.id, False)
        session.commit()
        auth.set_active(session, None, editor.id, True)
        session.commit()
        after = seen(feed, path, secret.uid)
        assert after[0] == "Sanctions: next package"
        assert after[1] >= before[1] + 2  # hidden, then shown again: two revisions


def test_a_delegation_change_raises_the_sequence_for_that_meeting(feed, make, session):
    with time_machine.travel(T0, tick=False):
        delegate = make.person(full_name="Priya Raman")
        secret = make.meeting(title="Sanctions: next package", access=Access.RESTRICTED)
        insider = make.user(Role.VIEWER)
        insider.person_id = delegate.id
        _insider, path = feed.subscribe(insider)
        before = seen(feed, path, secret.uid)
        assert before[0] == HIDDEN
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        add_participant(session, None, secret.id, delegate.id)
        session.commit()
        after = seen(feed, path, secret.uid)
        assert after[0] == "Sanctions: next package"
        assert after[1] > before[1]
        assert after[2] > before[2]
