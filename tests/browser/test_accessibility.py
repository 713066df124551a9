"""axe-core on the main pages (no serious or critical findings), keyboard use, screenshots.

Screenshots land in tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "viewer": [
        ("dashboard", "/"),
        ("meetings", "/meetings"),
        ("meetings-filtered", "/meetings?q=consultation&date_from="),
        ("calendar", "/meetings/calendar"),
        ("meeting", "/meetings/1"),
        ("invitations", "/invitations"),
        ("planning", "/planning"),
        ("topics", "/topics"),
        ("people", "/people"),
        ("organisations", "/organisations"),
        ("account", "/account"),
        ("authenticator-app", "/account/authenticator"),
        ("person", "/people/1"),
        ("subscriptions", "/feeds/"),
        ("agenda", "/meetings/1/agenda"),
        ("agenda-version", "/meetings/1/agenda/versions/1"),
        ("agenda-print", "/meetings/1/agenda.html"),
        ("forbidden", "/meetings/new"),
        ("not-found", "/meetings/999999"),
    ],
    "editor": [
        ("meeting-editor", "/meetings/1"),
        ("meeting-new", "/meetings/new"),
        ("meeting-edit", "/meetings/1/edit"),
        ("meeting-move", "/meetings/1/move"),
        ("meeting-cancel", "/meetings/1/cancel"),
        ("agenda-editor", "/meetings/1/agenda"),
        ("agenda-item", "/meetings/1/agenda/items/1"),
        ("agenda-compare", "/meetings/1/agenda/compare?from=1&to=0"),
        ("participant-add", "/meetings/1/participants/new"),
        ("invitation-new", "/invitations/new/1"),
        ("invitation-import", "/invitations/import"),
        ("planning-editor", "/planning"),
        ("audit", "/audit"),
        ("topic-new", "/topics/new"),
        ("person-new", "/people/new"),
    ],
    "admin": [
        ("users", "/admin/users"),
        ("user", "/admin/users/1"),
        ("user-new", "/admin/users/new"),
        ("single-sign-on", "/admin/sso"),
        ("sign-in-security", "/admin/security"),
        ("person-admin", "/people/1"),
        ("quarantine", "/admin/quarantine"),
    ],
}


@pytest.mark.parametrize("role", list(PAGES))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_main_pages_have_no_serious_accessibility_problems(new_page, role, language):
    page = new_page(role, bypass_csp=True, language=language)
    found = {}
    for name, path in PAGES[role]:
        page.goto(path)
        screenshot(page, f"{role}-{name}" if language == "en" else f"{language}-{role}-{name}")
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    assert found == {}


@pytest.mark.parametrize(
    ("language", "sign_in", "problem"),
    [("en", "Sign in", "There is a problem"), ("fr", "Se connecter", "Un problème est survenu")],
)
def test_sign_in_page_and_form_errors_are_accessible(new_page, language, sign_in, problem):
    page = new_page(bypass_csp=True, language=language)
    page.goto("/login")
    screenshot(page, f"login-{language}")
    assert axe_violations(page) == []
    page.get_by_role("button", name=sign_in, exact=True).click()
    expect(page.get_by_role("heading", name=problem)).to_be_visible()
    screenshot(page, f"login-errors-{language}")
    assert axe_violations(page) == []


def test_form_with_errors_is_accessible(new_page):
    page = new_page("editor", bypass_csp=True)
    page.goto("/meetings/new")
    page.get_by_role("button", name="Create meeting").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    screenshot(page, "meeting-new-errors")
    assert axe_violations(page) == []


def test_keyboard_skip_link_and_visible_focus(new_page):
    page = new_page("viewer")
    page.goto("/meetings")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, "after the skip link, the next Tab stays in the main content"
    # Focus is drawn in the focus colour (yellow), not left to the browser default.
    background = page.evaluate("getComputedStyle(document.activeElement).backgroundColor")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert "255, 221, 0" in background or "255, 221, 0" in outline
    screenshot(page, "focus-visible")


def test_print_stylesheet_hides_navigation(new_page):
    page = new_page("viewer")
    page.goto("/meetings/1")
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.get_by_role("heading", name="Delegations")).to_be_visible()
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")


def test_small_screens_reflow_without_sideways_scrolling(new_page):
    page = new_page("editor")
    page.set_viewport_size({"width": 375, "height": 800})
    for name, path in (
        ("meetings", "/meetings"),
        ("meeting", "/meetings/1"),
        ("calendar", "/meetings/calendar"),
    ):
        page.goto(path)
        screenshot(page, f"mobile-{name}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
