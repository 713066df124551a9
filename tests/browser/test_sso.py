"""Single sign-on through a real OpenID provider (oidc-provider on loopback) in Chromium.

An admin connects the provider from the UI alone; an editor then signs in through the
provider's own login and consent pages and gets the role its groups give; signing out ends
the Entente session and, as configured, the provider's too. Screenshots go to tests/artifacts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core import clock
from app.demo import seed_demo
from app.extensions import db
from app.settings import current_settings
from app.sso import services as sso
from tests.browser.conftest import CHROMIUM, PASSWORD, screenshot
from tests.live import LiveServer, live_server
from tests.sso.oidc_provider import CLIENT_ID, CLIENT_SECRET, RealProvider, oidc_provider

ACCOUNTS = {
    "editor@entente.example": {
        "email": "editor@entente.example",
        "email_verified": True,
        "name": "Erin Editor",
        "groups": ["entente-editors"],
    },
    "stranger@entente.example": {
        "email": "stranger@entente.example",
        "email_verified": True,
        "groups": ["entente-editors"],
    },
}


@pytest.fixture(scope="module")
def sso_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: connecting a provider here must not change the other tests'."""
    with live_server(tmp_path_factory.mktemp("sso")) as server:
        with server.app.app_context():
            seed_demo(db.session(), today=clock.now().date(), admin_password=PASSWORD)
            db.session.commit()
            db.session.remove()
        yield server


@pytest.fixture(scope="module")
def provider(
    sso_live: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RealProvider]:
    url = f"http://{sso_live.host}:{sso_live.port}"
    with oidc_provider(tmp_path_factory.mktemp("op"), url, ACCOUNTS) as real:
        yield real


@pytest.fixture
def open_page(browser, sso_live):  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    contexts, violations = [], []

    def _open():  # type: ignore[no-untyped-def]
        context = browser.new_context(
            base_url=f"http://{sso_live.host}:{sso_live.port}",
            viewport={"width": 1280, "height": 900},
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text and "localhost" not in page.url
                else None
            ),
        )
        return page

    yield _open
    for context in contexts:
        context.close()
    assert violations == [], f"Content-Security-Policy violations on Entente: {violations}"


def _provider_sign_in(page, login: str) -> None:  # type: ignore[no-untyped-def]
    """The provider's own pages: log in (any password), then consent."""
    page.wait_for_url("http://localhost:*/interaction/**", wait_until="domcontentloaded")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.wait_for_url("http://localhost:*/interaction/**", wait_until="domcontentloaded")
    page.get_by_role("button", name="Continue").click()


def test_an_admin_connects_a_provider_and_an_editor_signs_in_with_it(open_page, sso_live, provider):
    admin = open_page()
    admin.goto("/login")
    admin.get_by_label("E-mail address").fill("admin@entente.example")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url("**/")
    admin.get_by_role("link", name="Users").first.click()
    admin.get_by_role("link", name="Single sign-on").click()
    admin.get_by_label("Offer single sign-on on the sign-in page").check()
    admin.get_by_label("Provider name").fill("Defence ID")
    admin.get_by_label("Discovery URL").fill(provider.issuer)
    admin.get_by_label("Client ID").fill(CLIENT_ID)
    admin.get_by_label("Client secret").fill(CLIENT_SECRET)
    admin.get_by_label("Groups and roles").fill("entente-editors = editor\nentente-admins = admin")
    admin.get_by_label("Editors").check()
    admin.get_by_label("Signing out of Entente also signs out at the provider").check()
    admin.get_by_role("button", name="Save").click()
    assert admin.get_by_text("Single sign-on settings saved.").is_visible()
    screenshot(admin, "sso-1-admin-connects-provider")

    editor = open_page()
    editor.goto("/login")
    screenshot(editor, "sso-2-sign-in-page")
    editor.get_by_role("link", name="Sign in with Defence ID").click()
    _provider_sign_in(editor, "editor@entente.example")
    entente = f"http://{sso_live.host}:{sso_live.port}"
    editor.wait_for_url(f"{entente}/")
    assert editor.get_by_role("heading", name="Dashboard", level=1).is_visible()
    screenshot(editor, "sso-3-editor-signed-in")
    # The editor's role came from the group; editors may create meetings.
    assert editor.goto("/meetings/new").status == 200

    # Signing out ends the Entente session and passes by the provider's sign-out.
    editor.get_by_role("button", name="Sign out").click()
    editor.wait_for_url("**/signed-out")
    assert editor.get_by_role("heading", name="You have signed out of Entente").is_visible()
    screenshot(editor, "sso-4-signed-out")
    editor.get_by_role("link", name="Sign out of Defence ID too").click()
    editor.wait_for_url("http://localhost:*/session/end**", wait_until="domcontentloaded")
    editor.locator("button[autofocus]").click()  # the provider asks: "Yes, sign me out"
    editor.wait_for_url(f"{entente}/login")
    editor.goto("/")
    assert editor.url.startswith(f"{entente}/login")  # the Entente session is over

    # Password sign-in is off for editors: the right password is not enough.
    editor.goto("/login")
    editor.get_by_label("E-mail address").fill("editor@entente.example")
    editor.get_by_label("Password").fill(PASSWORD)
    editor.get_by_role("button", name="Sign in").click()
    assert editor.get_by_text("Password sign-in is off for your account").first.is_visible()


def test_someone_the_admin_did_not_add_is_refused(open_page, sso_live, provider):
    with sso_live.app.app_context():
        sso.save(db.session(), None, current_settings(), _connection(provider))
        db.session.commit()
        db.session.remove()
    page = open_page()
    page.goto("/login")
    page.get_by_role("link", name="Sign in with Defence ID").click()
    _provider_sign_in(page, "stranger@entente.example")
    page.wait_for_url(f"http://{sso_live.host}:{sso_live.port}/login/sso/callback**")
    assert page.get_by_role("heading", name="You are not signed in").is_visible()
    assert page.get_by_text("There is no Entente account for stranger@entente.example").is_visible()
    screenshot(page, "sso-5-refused")


def _connection(provider: RealProvider) -> sso.ProviderInput:
    return sso.ProviderInput(
        enabled=True,
        name="Defence ID",
        discovery_url=provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        role_claim="groups",
        group_roles="entente-editors = editor",
        verified_claim="email_verified",
        just_in_time=False,
        default_role="viewer",
        password_off_roles=("editor",),
        provider_logout=True,
    )
