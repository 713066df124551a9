"""The "Reply by" date and time fields stand in line: same row, nothing between a label and its
input in one but not the other (a hint under one label pushed its input down; issue 17)."""

from __future__ import annotations

import re

from app.auth.models import Role
from tests.web.conftest import sign_in


def test_reply_by_date_and_time_are_in_line(client, make, session):
    meeting = make.meeting()
    sign_in(client, make.user(Role.EDITOR))
    session.commit()
    html = client.get(f"/invitations/new/{meeting.id}").get_data(as_text=True)
    row = re.search(
        r'<div class="field-row field-row--aligned">(.*?)</div>\s*</fieldset>', html, re.S
    )
    assert row, "the deadline fields are not in an aligned row"
    fields = row.group(1)
    assert 'id="deadline_date"' in fields
    assert 'id="deadline_time"' in fields
    assert 'class="hint' not in fields  # the hint is above the row, for both fields
    assert "Leave the time empty for the end of that day." in html
