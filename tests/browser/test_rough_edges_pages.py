"""The pages issue 17 changed, in Chromium: looked at (screenshots in tests/artifacts) and
checked where only a browser can tell (the Reply by fields on one line)."""

from __future__ import annotations

import re

from tests.browser.conftest import axe_violations, screenshot


def _consultation(page) -> str:  # type: ignore[no-untyped-def]
    page.goto("/meetings")
    page.get_by_role("link", name=re.compile("strategic consultation", re.I)).first.click()
    return page.url.split("#")[0]


def test_reply_by_date_and_time_stand_on_one_line(new_page):
    page = new_page("editor")
    meeting = _consultation(page)
    page.get_by_role("link", name="Issue an invitation").click()
    date = page.locator("#deadline_date").bounding_box()
    time = page.locator("#deadline_time").bounding_box()
    assert date
    assert time
    assert abs(date["y"] - time["y"]) < 1, (date, time)
    assert abs(date["height"] - time["height"]) < 1
    screenshot(page, "rough-edges-invitation-new")
    assert meeting


def test_agenda_page_editions_and_the_circulation_step(new_page):
    page = new_page("editor")
    _consultation(page)
    page.get_by_role("link", name="Open the agenda and its documents").click()
    screenshot(page, "rough-edges-agenda")
    page.get_by_role("link", name="EU edition", exact=True).click()
    screenshot(page, "rough-edges-agenda-eu-edition")
    page.get_by_label("Title", exact=True).fill("Arctic security")
    page.get_by_label("Title in French").fill("Sécurité dans l'Arctique")
    page.get_by_label("Duration (minutes)").fill("20")
    page.get_by_role("button", name="Add item").click()
    page.get_by_label("Note to readers").fill("For comment")
    page.get_by_role("button", name="Circulate", exact=True).click()
    screenshot(page, "rough-edges-circulate-confirm")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().startswith("Circulate version")
    page.get_by_role("link", name="Not now: back to the draft").click()
    page.get_by_role("link", name=re.compile("^Edit item 1")).first.click()
    screenshot(page, "rough-edges-agenda-item")


def test_changed_pages_have_no_serious_accessibility_problem(new_page):
    page = new_page("editor", bypass_csp=True)
    meeting = _consultation(page)
    screenshot(page, "rough-edges-meeting")
    for path in (meeting, f"{meeting}/agenda", "/planning", "/feeds/", "/topics/new"):
        page.goto(path)
        assert axe_violations(page) == [], path
    page.goto("/planning")
    screenshot(page, "rough-edges-planning")
