"""The web list, the API list and a topic feed select meetings by one rule (issue 13).

Around the spring DST change (28 March 2027 in London and Brussels), whole days are counted
in a zone: the web in the viewer's zone, the API in UTC (its documented behaviour). The feed
has no date range: its topic scope, cut to the same UTC days by the reader, equals the API's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.auth import services as auth
from app.auth.models import Role
from tests.web.conftest import sign_in

FIRST, LAST = date(2027, 3, 27), date(2027, 3, 28)


def _meetings(make):
    cyber = make.topic("cyber-dst", "Cyber (DST)")
    other = make.topic("other-dst", "Other (DST)")
    at = {
        # 28 March, 10:00 CEST: in every list.
        "Brussels Sunday": ("Europe/Brussels", datetime(2027, 3, 28, 10), cyber),
        # 29 March 00:30 BST = 28 March 23:30 UTC: a UTC day 28, a London day 29.
        "London past midnight": ("Europe/London", datetime(2027, 3, 29, 0, 30), cyber),
        # 27 March 00:30 CET = 26 March 23:30 UTC: a Brussels day 27, a UTC/London day 26.
        "Brussels early Saturday": ("Europe/Brussels", datetime(2027, 3, 27, 0, 30), cyber),
        "Other topic": ("Europe/London", datetime(2027, 3, 28, 10), other),
        "Week after": ("Europe/London", datetime(2027, 4, 4, 10), cyber),
    }
    for title, (zone_name, start, topic) in at.items():
        make.meeting(
            title=title,
            timezone=zone_name,
            start=start,
            end=start + timedelta(minutes=30),
            topics=[topic.slug],
        )
    return cyber


def _web_titles(client, user, topic_id: int, zone_name: str, session) -> set[str]:
    user.timezone = zone_name
    session.commit()
    html = client.get(f"/meetings?topic={topic_id}&date_from={FIRST}&date_to={LAST}").get_data(
        as_text=True
    )
    return {title for title in TITLES if title in html}


TITLES = (
    "Brussels Sunday",
    "London past midnight",
    "Brussels early Saturday",
    "Other topic",
    "Week after",
)


def test_web_api_and_feed_agree_on_a_topic_and_days_around_dst(client, session, make, feed):
    cyber = _meetings(make)
    viewer = make.user(Role.VIEWER)
    token = auth.issue_api_token(session, None, viewer.id, "test")
    session.commit()

    api = client.get(
        f"/api/v1/meetings?topic={cyber.slug}&start={FIRST}&end={LAST}",
        headers={"Authorization": f"Bearer {token}"},
    ).get_json()
    api_titles = {item["title"] for item in api["items"]}
    assert api_titles == {"Brussels Sunday", "London past midnight"}  # UTC days

    _user, path = feed.subscribe(viewer, scope=f"topic:{cyber.slug}")
    events = feed.get(path).events
    assert {e.summary for e in events} == {
        "Brussels Sunday",
        "London past midnight",
        "Brussels early Saturday",
        "Week after",
    }
    day_start = datetime(2027, 3, 27, tzinfo=UTC)
    day_end = datetime(2027, 3, 29, tzinfo=UTC)
    in_utc_days = {e.summary for e in events if e.end > day_start and e.start < day_end}
    assert in_utc_days == api_titles

    sign_in(client, viewer)
    assert _web_titles(client, viewer, cyber.id, "UTC", session) == api_titles
    # The same days in the viewer's own zone: the DST-shifted midnights move the edges.
    assert _web_titles(client, viewer, cyber.id, "Europe/London", session) == {"Brussels Sunday"}
    assert _web_titles(client, viewer, cyber.id, "Europe/Brussels", session) == {
        "Brussels Sunday",
        "Brussels early Saturday",
    }
