"""Issue 16's journey, from the UI alone, in Chromium: a new administrator connects the
organisation's identity provider (a real oidc-provider on loopback), links an account to the
person it belongs to, requires a second factor for editors, and watches an editor come in
through the provider, enrol a passkey (Chromium's virtual authenticator) and sign in with it.

Entente runs on "localhost" (WebAuthn refuses IP addresses), the provider on "127.0.0.1", so
the browser keeps their cookies apart. Screenshots go to a temporary directory whose path
the test prints; a person looks at them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.auth import services as auth
from app.auth.factor_models import Passkey
from app.auth.models import Role
from app.extensions import db
from app.people import services as people
from tests.browser.conftest import ARTIFACTS
from tests.live import LiveServer, live_server
from tests.sso.oidc_provider import CLIENT_ID, CLIENT_SECRET, RealProvider, oidc_provider

pytestmark = pytest.mark.browser

PASSWORD = "identity-journey-password"
ADMIN = "new.admin@entente.test"
EDITOR = "tom.aldridge@entente.test"
ACCOUNTS = {
    EDITOR: {
        "email": EDITOR,
        "email_verified": True,
        "name": "Tom Aldridge",
        "groups": ["entente-editors"],
    }
}


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    with live_server(tmp_path_factory.mktemp("journey")) as server:
        base = f"http://localhost:{server.port}"
        settings = server.app.extensions["entente.settings"]
        server.app.extensions["entente.settings"] = settings.replace(base_url=base)
        with server.app.app_context():
            auth.create_user(db.session(), None, ADMIN, Role.ADMIN, password=PASSWORD)
            auth.create_user(db.session(), None, EDITOR, Role.VIEWER, name="Tom Aldridge")
            organisation = people.create_organisation(db.session(), None, "FCDO", "FCDO", "uk")
            people.create_person(db.session(), None, "Tom Aldridge", organisation.id)
            db.session.commit()
            db.session.remove()
        yield server, base


@pytest.fixture(scope="module")
def provider(journey, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealProvider]:  # type: ignore[no-untyped-def]
    _, base = journey
    with oidc_provider(tmp_path_factory.mktemp("op"), base, ACCOUNTS, host="127.0.0.1") as real:
        yield real


@pytest.fixture(scope="module")
def shots() -> Path:
    """Beside the other browser tests' screenshots (tests/artifacts, not in git)."""
    folder = ARTIFACTS / "identity-journey"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def open_page(browser, journey):  # type: ignore[no-untyped-def]
    _, base = journey
    contexts, violations = [], []

    def _open():  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("dialog", lambda dialog: dialog.accept())
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text and page.url.startswith(base)
                else None
            ),
        )
        return page

    yield _open
    for context in contexts:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def test_a_new_admin_connects_sso_links_people_requires_a_factor_and_an_editor_uses_a_passkey(
    open_page, journey, provider, shots
):
    server, base = journey
    admin = open_page()
    _admin_signs_in(admin)
    _connect_provider(admin, provider)
    _shot(admin, shots, "1-provider-connected")
    _link_account(admin)
    _shot(admin, shots, "2-account-linked-to-person")
    _require_factor_for_editors(admin)
    _shot(admin, shots, "3-second-factor-required-for-editors")

    editor = open_page()
    cdp, authenticator = _virtual_authenticator(editor)
    _through_provider(editor, base)
    editor.wait_for_url("**/login/second-factor/setup")
    _shot(editor, shots, "4-editor-asked-to-set-up-a-factor")
    editor.get_by_label("Name for the new passkey").fill("Work laptop")
    editor.get_by_role("button", name="Add a passkey or security key").click()
    editor.wait_for_url("**/account")
    assert editor.get_by_text("Work laptop").first.is_visible()
    _shot(editor, shots, "5-passkey-enrolled")
    keys = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(keys["credentials"]) == 1

    editor.get_by_role("button", name="Sign out").click()
    editor.wait_for_url("**/login")
    _through_provider(editor, base)
    editor.wait_for_url("**/login/second-factor")
    _shot(editor, shots, "6-second-factor-after-the-provider")
    editor.get_by_role("button", name="Use your passkey or security key").click()
    editor.wait_for_url(f"{base}/")
    assert editor.get_by_role("heading", name="Dashboard", level=1).is_visible()
    _shot(editor, shots, "7-editor-signed-in-with-passkey")
    # The provider's group made them an editor; the admin's link made them Tom Aldridge.
    assert editor.goto("/meetings/new").status == 200
    with server.app.app_context():
        user = auth.get_user_by_email(db.session(), EDITOR)
        assert user.role is Role.EDITOR
        assert user.person_id is not None
        (passkey,) = db.session.scalars(select(Passkey)).all()
        assert passkey.last_used_at is not None
        db.session.remove()


def _admin_signs_in(page: Any) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _connect_provider(page: Any, provider: RealProvider) -> None:
    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("link", name="Single sign-on").click()
    page.get_by_label("Offer single sign-on on the sign-in page").check()
    page.get_by_label("Provider name").fill("Defence ID")
    page.get_by_label("Discovery URL").fill(provider.issuer)
    page.get_by_label("Client ID").fill(CLIENT_ID)
    page.get_by_label("Client secret").fill(CLIENT_SECRET)
    page.get_by_label("Groups and roles").fill("entente-editors = editor")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Single sign-on settings saved.").is_visible()


def _link_account(page: Any) -> None:
    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("link", name=EDITOR).click()
    page.get_by_label("Person").select_option(label="Tom Aldridge (FCDO)")
    page.get_by_role("button", name="Save person").click()
    assert page.get_by_text(f"{EDITOR} is now Tom Aldridge").is_visible()


def _require_factor_for_editors(page: Any) -> None:
    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("link", name="Sign-in security").click()
    for group in (
        "Require a second factor when signing in with a password",
        "Require a second factor when signing in through the identity provider",
    ):
        page.get_by_role("group", name=group).get_by_label("Editors").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("group", name=group).get_by_label("Editors").is_checked()


def _through_provider(page: Any, base: str) -> None:
    """Sign in with the provider; its login and consent pages appear the first time only."""
    page.goto("/login")
    page.get_by_role("link", name="Sign in with Defence ID").click()
    page.wait_for_url(lambda url: url.startswith(base) or "/interaction/" in url)
    if "/interaction/" in page.url:
        page.locator("input[name=login]").fill(EDITOR)
        page.locator("input[name=password]").fill("anything")
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/interaction/**", wait_until="domcontentloaded")
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: url.startswith(base) and "/login/sso" not in url)


def _virtual_authenticator(page: Any) -> tuple[Any, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    found = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, found["authenticatorId"]


def _shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
