"""The API meeting list reads the calendar SEQUENCE of a whole page in one query (issue 13):
the statements a page costs do not grow with the meetings on it."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import event

from app.agendas.versions import circulate
from app.feeds.stamp import current_stamp
from app.meetings.models import Meeting


def _page(session, viewer, slug: str) -> tuple[list[dict], int]:
    seen: list[str] = []
    bind = session.connection()

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(bind, "before_cursor_execute", record)
    try:
        response = viewer.get(f"/meetings?topic={slug}&per_page=50")
    finally:
        event.remove(bind, "before_cursor_execute", record)
    assert response.status_code == 200
    return response.get_json()["items"], len(seen)


def _meetings(make, session, count: int, slug: str) -> None:
    with time_machine.travel(datetime(2027, 2, 1, tzinfo=UTC), tick=False):
        for n in range(count):
            meeting = make.meeting(topics=[slug])
            if n % 2 == 0:  # a circulated agenda raises its feed_event_versions counter
                make.item(meeting, "Russia")
                circulate(session, None, meeting.id)
    session.commit()


def test_a_page_of_30_costs_the_statements_of_a_page_of_1(session, make, viewer):
    topic = make.topic("stamps-n-plus-one", "Stamps")
    _meetings(make, session, 1, topic.slug)
    _page(session, viewer, topic.slug)  # the token's first use is recorded once: not counted
    one, statements_for_one = _page(session, viewer, topic.slug)
    _meetings(make, session, 29, topic.slug)
    thirty, statements_for_thirty = _page(session, viewer, topic.slug)
    assert (len(one), len(thirty)) == (1, 30)
    assert statements_for_thirty == statements_for_one
    # ... and each SEQUENCE is still the one the feeds and e-mails carry.
    for item in thirty:
        meeting = session.get(Meeting, item["id"])
        assert item["sequence"] == current_stamp(session, meeting).sequence
    assert any(item["sequence"] > session.get(Meeting, item["id"]).sequence for item in thirty)
