"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The server runs in a thread on 127.0.0.1 (random port) with its own migrated database holding
the demo data (users admin@, editor@ and viewer@entente.example). Playwright's own browser
downloads are never used: Chromium comes from the system (scripts/lib.sh installs it).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core import clock
from app.demo import seed_demo
from app.extensions import db
from tests.live import LiveServer, live_server

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser-tests-password"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
AXE = Path(__file__).resolve().parent.parent / "js" / "node_modules" / "axe-core" / "axe.min.js"

LOCALES = {"en": "en-GB", "fr": "fr-FR"}
# What the sign-in steps look for, in each language.
WORDS = {
    "en": {
        "E-mail address": "E-mail address",
        "Password": "Password",
        "Sign in": "Sign in",
        "Dashboard": "Dashboard",
    },
    "fr": {
        "E-mail address": "Adresse électronique",
        "Password": "Mot de passe",
        "Sign in": "Se connecter",
        "Dashboard": "Tableau de bord",
    },
}

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("browser")) as server:
        with server.app.app_context():
            seed_demo(db.session(), today=clock.now().date(), admin_password=PASSWORD)
            db.session.commit()
            db.session.remove()
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (scripts/lib.sh installs it)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def base_url(live: LiveServer) -> str:
    return f"http://{live.host}:{live.port}"


@pytest.fixture
def new_page(browser, base_url) -> Iterator[Callable[..., object]]:
    """Open a fresh browser context (no cookies); confirm() dialogs are accepted.

    The Content-Security-Policy is enforced and any violation fails the test, except where
    axe-core has to be injected (`bypass_csp=True`, accessibility scans only).
    """
    contexts, violations = [], []

    def _open(  # type: ignore[no-untyped-def]
        role: str | None = None, *, bypass_csp: bool = False, language: str = "en"
    ):
        # The browser's language (Accept-Language and navigator.language) picks the page's.
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": 1280, "height": 900},
            bypass_csp=bypass_csp,
            locale=LOCALES[language],
        )
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        page.set_default_timeout(15000)
        if role is not None:
            sign_in(page, role, language)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def sign_in(page, role: str, language: str = "en") -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    page.goto("/login")
    page.get_by_label(words["E-mail address"]).fill(f"{role}@entente.example")
    page.get_by_label(words["Password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["Sign in"], exact=True).click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name=words["Dashboard"], level=1).is_visible()


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Elements whose text is cut or spills out of their box: a longer translation that no longer
# fits. Text in an element that scrolls on purpose (tables in .table-wrap, <pre>) is fine.
_OVERFLOW_JS = """() => {
  const found = [];
  const selector = 'button, .button, .tag, th, td, dt, dd, label, legend, .site-nav__link, '
    + '.site-header__tagline, .site-header__user, h1, h2, h3, .caption, .breadcrumbs a, '
    + '.pagination a, .calendar__event a, summary, select, .notice__text, .card';
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('.table-wrap, pre, .visually-hidden') || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.overflowX === 'auto' || style.overflowX === 'scroll') continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      const classes = String(el.className || '').split(' ').filter(Boolean).join('.');
      const text = (el.innerText || el.value || '').trim().slice(0, 60);
      found.push(el.tagName.toLowerCase() + (classes ? '.' + classes : '') + ': ' + text);
    }
  }
  const page = document.documentElement.scrollWidth - window.innerWidth;
  if (page > 0) found.push('page scrolls sideways by ' + page + 'px');
  return found;
}"""


def overflowing(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Text that does not fit its box, and sideways scrolling of the whole page."""
    found: list[str] = page.evaluate(_OVERFLOW_JS)
    return found


def axe_violations(page) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Serious and critical axe-core findings on the current page (WCAG 2.1 A and AA)."""
    if not AXE.exists():
        if shutil.which("npm") is None:
            pytest.skip("axe-core needs npm (tests/js)")
        pytest.fail("axe-core missing: run npm ci --prefix tests/js")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values: [
            'wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'
        ]}})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
