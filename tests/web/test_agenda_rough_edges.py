"""The agenda page's rough edges (issue 17, part 6): editions one click away, draft and
circulated documents told apart, Circulate confirmed, the next circulation named right, the
same numbers and times in every edition, one rule for a parent item's time."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from app.agendas import services as agendas
from app.agendas import versions
from app.agendas.numbering import Withheld, reading_order
from tests.web.conftest import csrf_from


@pytest.fixture
def meeting(make, session):
    meeting = make.meeting(
        title="Strategic consultation",
        start=datetime(2027, 3, 16, 10),
        end=datetime(2027, 3, 16, 13),
        timezone="Europe/London",
    )
    make.item(meeting, "Opening", duration_minutes=10)
    make.item(meeting, "UK internal line", duration_minutes=15, visibility="uk")
    make.item(meeting, "Any other business", duration_minutes=10)
    session.commit()
    return meeting


def _links(html: str) -> dict[str, str]:
    """Link text (visually hidden parts included) -> href."""
    found = re.findall(r'<a href="([^"]+)">(.*?)</a>', html, re.S)
    return {
        re.sub(r"<[^>]+>", "", text).strip(): href.replace("&amp;", "&") for href, text in found
    }


def test_the_page_links_each_edition_and_labels_draft_and_circulated_apart(
    as_editor, session, meeting
):
    page = f"/meetings/{meeting.id}/agenda"
    versions.circulate(session, None, meeting.id)
    session.commit()
    links = _links(as_editor.get(page).get_data(as_text=True))
    assert links["UK edition"] == f"{page}?side=uk#circulated"
    assert links["EU edition"] == f"{page}?side=eu#circulated"
    circulated = "PDF – Version 1, Provisional agenda, as circulated"
    draft = "PDF – Draft, not for circulation"
    assert links[f"{circulated}, Whole agenda"].endswith("agenda.pdf?version=1")
    assert links[f"{circulated}, EU edition"].endswith("agenda.pdf?version=1&side=eu")
    assert links[f"{circulated}, English and French"].endswith("agenda.pdf?version=1&lang=en-fr")
    assert links[f"{draft}, Whole agenda"].endswith("agenda.pdf?draft=1")
    assert "Word – Version 1, EU edition" in links  # the versions table, compact
    bilingual = as_editor.get(links[f"{circulated}, English and French"])
    assert bilingual.status_code == 200
    assert bilingual.headers["Content-Type"] == "application/pdf"
    eu = as_editor.get(f"{page}?side=eu").get_data(as_text=True)
    assert "UK internal line" not in eu.split('id="draft"')[0]
    assert "UK side only – not in this edition" in eu


def test_after_the_final_agenda_the_page_announces_rev_1_not_provisional(
    as_editor, session, meeting
):
    page = f"/meetings/{meeting.id}/agenda"
    html = as_editor.get(page).get_data(as_text=True)
    assert "version 1: a provisional agenda, or the final agenda if you tick the box" in html
    versions.circulate(session, None, meeting.id, final=True)
    agendas.add_item(session, None, meeting.id, agendas.AgendaItemInput(title="Late item"))
    session.commit()
    html = as_editor.get(page).get_data(as_text=True)
    assert "provisional" not in html.split('id="circulate"')[1].split("</form>")[0].lower()
    assert "version 2, Final agenda REV 1" in html
    assert "Circulate as the final agenda" not in html  # it would only be refused
    token = csrf_from(as_editor, page)
    confirm = as_editor.post(f"{page}/circulate", data={"csrf_token": token})
    assert "Circulate version 2: Final agenda REV 1?" in confirm.get_data(as_text=True)
    assert "e-mailed that the agenda was re-circulated" in confirm.get_data(as_text=True)
    assert versions.latest_version(session, meeting.id).number == 1  # not yet
    done = as_editor.post(f"{page}/circulate", data={"csrf_token": token, "confirmed": "yes"})
    assert done.status_code == 302
    assert versions.latest_version(session, meeting.id).revision == 1


def test_both_editions_number_and_time_items_alike(session, meeting):
    items = agendas.items_of(session, meeting.id)
    start = datetime(2027, 3, 16, 10)
    for side in (None, "uk", "eu"):
        lines = reading_order(items, start, side)
        assert [(line.number, f"{line.starts_at:%H:%M}") for line in lines] == [
            ("1", "10:00"),
            ("2", "10:10"),
            ("3", "10:25"),
        ]
    eu = reading_order(items, start, "eu")
    assert isinstance(eu[1], Withheld)
    assert eu[1].minutes == 15
    assert not hasattr(eu[1], "item")  # nothing of the UK item but its place


def test_a_parent_item_lasts_as_long_as_its_sub_items_or_its_own_time_if_longer(make, session):
    meeting = make.meeting(start=datetime(2027, 3, 16, 10), end=datetime(2027, 3, 16, 13))
    russia = make.item(meeting, "Russia", duration_minutes=60)
    make.item(meeting, "Sanctions", parent=russia, duration_minutes=20)
    make.item(meeting, "Hybrid", parent=russia, duration_minutes=15)
    make.item(meeting, "AOB", duration_minutes=10)
    lines = agendas.numbered(meeting, agendas.items_of(session, meeting.id))
    assert [(line.number, f"{line.starts_at:%H:%M}", line.minutes) for line in lines] == [
        ("1", "10:00", 60),  # a time box of 60 for 35 minutes of sub-items
        ("1.1", "10:00", 20),
        ("1.2", "10:20", 15),
        ("2", "11:00", 10),
    ]
    russia.duration_minutes = 20  # shorter than its sub-items: they set the time
    lines = agendas.numbered(meeting, agendas.items_of(session, meeting.id))
    assert (lines[0].number, lines[0].minutes) == ("1", 35)
    assert f"{lines[-1].starts_at:%H:%M}" == "10:35"
