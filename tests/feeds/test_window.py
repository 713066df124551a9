"""Which meetings a feed holds in time (issue 11, items 7 and 8): by default those that ended
within the last year and all later ones; all history on request; and no stored meeting,
whatever its year, takes a feed down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from sqlalchemy import update

from app.auth import services as auth
from app.auth.models import Role
from app.core import clock
from app.meetings.models import Access, Meeting, MeetingStatus
from tests.feeds.test_page import URL_RE
from tests.web.conftest import csrf_from, sign_in


def _ago(days: int) -> datetime:
    start = (clock.now() - timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return start.astimezone(UTC).replace(tzinfo=None)


def _meetings(make):
    """One that ended two years ago, one last month, one next month."""
    times = [_ago(730), _ago(30), _ago(-30)]
    return [
        make.meeting(
            start=start, end=start + timedelta(hours=2), timezone="UTC", access=Access.PUBLIC
        )
        for start in times
    ]


def test_a_subscription_holds_the_last_year_and_the_future_by_default(feed, make, session):
    old, recent, future = _meetings(make)
    _user, path = feed.subscribe()
    assert feed.get(path).uids() == {recent.uid, future.uid}
    assert feed.get("/feeds/public.ics").uids() == {recent.uid, future.uid}
    _user, path = feed.subscribe(all_history=True)
    assert feed.get(path).uids() == {old.uid, recent.uid, future.uid}


def test_all_history_from_the_cli(cli, make, feed, session):
    old, recent, future = _meetings(make)
    user = make.user(Role.VIEWER, email="history@entente.test")
    session.commit()
    result = cli.invoke(args=["feeds", "subscribe", user.email, "--all-history"])
    assert result.exit_code == 0, result.output
    path = result.output.strip().splitlines()[-1].removeprefix("http://entente.test")
    assert feed.get(path).uids() == {old.uid, recent.uid, future.uid}


def test_all_history_from_the_api(client, make, session, feed):
    old, recent, future = _meetings(make)
    user = make.user(Role.VIEWER)
    token = auth.issue_api_token(session, None, user.id, "test")
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    made = client.post(
        "/api/v1/subscriptions", json={"scope": "all", "all_history": True}, headers=headers
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["subscription"]["all_history"] is True
    path = body["url"].removeprefix("http://entente.test")
    assert feed.get(path).uids() == {old.uid, recent.uid, future.uid}
    default = client.post("/api/v1/subscriptions", json={"scope": "all"}, headers=headers)
    assert default.get_json()["subscription"]["all_history"] is False
    bad = client.post(
        "/api/v1/subscriptions", json={"scope": "all", "all_history": "perhaps"}, headers=headers
    )
    assert bad.status_code in (400, 422)
    assert "all_history" in bad.get_data(as_text=True)


def test_all_history_from_the_subscriptions_page(client, make, session, feed):
    old, recent, future = _meetings(make)
    user = make.user(Role.VIEWER)
    sign_in(client, user)
    assert 'name="all_history"' in client.get("/feeds/").get_data(as_text=True)
    token = csrf_from(client, "/feeds/")
    created = client.post("/feeds/", data={"scope": "all", "all_history": "y", "csrf_token": token})
    assert created.status_code == 201
    path = URL_RE.search(created.get_data(as_text=True)).group(1)
    assert feed.get(path.removeprefix("http://entente.test")).uids() == {
        old.uid,
        recent.uid,
        future.uid,
    }
    assert "(all history)" in created.get_data(as_text=True)


def _legacy(session, meeting, start: datetime, **values) -> None:
    """Set a meeting's times directly in the database, as legacy data would have them."""
    session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(start_utc=start, end_utc=start + timedelta(hours=1), **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.expire_all()


def test_a_cancelled_meeting_in_year_9999_stops_no_feed(feed, make, session):
    """Was: the VTIMEZONE years came from the whole table, so every feed failed."""
    kept = make.meeting(topics=["russia"])
    far = make.meeting(topics=["east-asia"])
    _legacy(session, far, datetime(9999, 12, 31, 20, 0, tzinfo=UTC), status=MeetingStatus.CANCELLED)
    _user, path = feed.subscribe(scope="topic:russia")
    got = feed.get(path)
    assert got.status == 200
    assert got.uids() == {kept.uid}
    years = sorted(int(z["dtstart"].dt.year) for z in got.calendar.walk("STANDARD"))
    assert years  # from its own rows only:
    assert years[0] >= 2025
    assert years[-1] <= 2029


def test_no_stored_meeting_whatever_its_year_takes_a_feed_down(feed, make, session):
    make.meeting(title="Ordinary")
    for start in (
        datetime(9999, 12, 31, 22, 0, tzinfo=UTC),
        datetime(1, 1, 1, 0, 0, tzinfo=UTC),
        datetime(1850, 6, 1, 10, 0, tzinfo=UTC),
    ):
        _legacy(session, make.meeting(title=f"Legacy {start.year}"), start)
    _user, path = feed.subscribe(all_history=True)
    # Read with icalendar only: other readers disagree about year 1 (their limits, not ours).
    got = feed.client.get(path)
    assert got.status_code == 200
    calendar = icalendar.Calendar.from_ical(got.data)
    assert {str(e["summary"]) for e in calendar.walk("VEVENT")} == {
        "Ordinary",
        "Legacy 9999",
        "Legacy 1",
        "Legacy 1850",
    }
    assert feed.get("/feeds/public.ics").status == 200
