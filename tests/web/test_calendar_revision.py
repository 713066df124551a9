"""The meeting page's "calendar revision" is the SEQUENCE the feeds and e-mails carry."""

from __future__ import annotations

from app.agendas.versions import circulate
from app.feeds.stamp import current_stamp


def test_the_page_shows_the_calendar_sequence(make, session, as_editor):
    meeting = make.meeting()
    make.item(meeting, "Opening")
    circulate(session, None, meeting.id)  # raises the calendar SEQUENCE, not the meeting row's
    session.commit()
    sequence = current_stamp(session, meeting).sequence
    assert sequence > meeting.sequence
    page = as_editor.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"calendar revision {sequence}<" in page
