"""No page has two elements with the same id: a label's `for` and a skip link would reach the
wrong one (the agenda item page had two `id="title"`, so the paper's "Title" label focused the
item title; issue 17)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from html.parser import HTMLParser

from app.agendas import versions
from app.auth.models import Role
from tests.web.conftest import sign_in


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("type") == "hidden" and values.get("name") == "csrf_token":
            return  # Flask-WTF's hidden token in each form: no label, nothing focuses it
        if values.get("id"):
            self.ids[str(values["id"])] += 1


def test_every_page_has_unique_ids(client, make, session):
    meeting = make.meeting(start=datetime(2027, 3, 16, 10), end=datetime(2027, 3, 16, 13))
    item = make.item(meeting, "Opening", duration_minutes=10)
    make.item(meeting, "UK line", duration_minutes=10, visibility="uk")
    versions.circulate(session, None, meeting.id)
    invitation = make.invitation(meeting)
    sign_in(client, make.user(Role.ADMIN))
    session.commit()
    agenda = f"/meetings/{meeting.id}/agenda"
    pages = [
        "/",
        "/meetings",
        "/meetings/calendar",
        "/meetings/new",
        f"/meetings/{meeting.id}",
        f"/meetings/{meeting.id}/edit",
        f"/meetings/{meeting.id}/move",
        f"/meetings/{meeting.id}/cancel",
        f"/meetings/{meeting.id}/participants/new",
        agenda,
        f"{agenda}?side=eu",
        f"{agenda}/items/{item.id}",
        f"{agenda}/versions/1",
        f"/invitations/new/{meeting.id}",
        f"/invitations/{invitation.id}/reply",
        "/invitations",
        "/planning",
        "/topics",
        "/topics/new",
        "/people",
        "/organisations",
        "/feeds/",
        "/admin/users",
        "/admin/users/new",
        "/account",
    ]
    checked = 0
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        parser = Ids()
        parser.feed(response.get_data(as_text=True))
        twice = [name for name, count in parser.ids.items() if count > 1]
        assert not twice, (page, twice)
        checked += 1
    assert checked == len(pages)
