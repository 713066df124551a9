"""Passkeys through Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain):
an editor whose role must use a second factor registers a passkey at sign-in, then signs in
with it; the account page and the factor page are photographed for review.

The relying party is "localhost" (WebAuthn refuses IP addresses), so this module runs its own
live server whose base_url is http://localhost:<port>.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pyotp
import pytest
from sqlalchemy import select

from app.auth import factors
from app.auth import services as auth
from app.auth.factor_models import Passkey
from app.auth.models import Role
from app.extensions import db
from app.people import services as people
from tests.browser.conftest import screenshot
from tests.live import LiveServer, live_server

PASSWORD = "passkey-tests-password"
EMAIL = "keyholder@entente.test"
ADMIN = "chief@entente.test"
ADMIN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    with live_server(tmp_path_factory.mktemp("passkeys")) as server:
        base = f"http://localhost:{server.port}"
        settings = server.app.extensions["entente.settings"]
        server.app.extensions["entente.settings"] = settings.replace(
            base_url=base, second_factor_roles=("editor", "admin")
        )
        with server.app.app_context():
            auth.create_user(db.session(), None, EMAIL, Role.EDITOR, password=PASSWORD)
            admin = auth.create_user(db.session(), None, ADMIN, Role.ADMIN, password=PASSWORD)
            factors.enrol_totp(db.session(), admin, ADMIN_SECRET, pyotp.TOTP(ADMIN_SECRET).now())
            organisation = people.create_organisation(db.session(), None, "FCDO", "FCDO", "uk")
            people.create_person(db.session(), None, "Tom Aldridge", organisation.id)
            db.session.commit()
            db.session.remove()
        yield server, base


@pytest.fixture
def page(browser, keyed):  # type: ignore[no-untyped-def]
    _, base = keyed
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(15000)
    violations: list[str] = []
    opened.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    opened.on("dialog", lambda dialog: dialog.accept())
    yield opened
    context.close()
    assert violations == []


def _virtual_authenticator(page) -> tuple[object, str]:  # type: ignore[no-untyped-def]
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


def _password(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_register_a_passkey_at_sign_in_then_sign_in_with_it(page, keyed) -> None:  # type: ignore[no-untyped-def]
    server, _ = keyed
    cdp, authenticator = _virtual_authenticator(page)

    _password(page)
    page.wait_for_url("**/login/second-factor/setup")
    screenshot(page, "identity-second-factor-setup")
    page.get_by_label("Name for the new passkey").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey or security key").click()
    page.wait_for_url("**/account")
    assert page.get_by_role("heading", name="Your account", level=1).is_visible()
    assert page.locator("#second-factor + p + dl").get_by_text("Work laptop").is_visible()
    screenshot(page, "identity-account-page")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    page.get_by_role("link", name="Set up an app").click()
    assert page.locator(".qr-code svg").is_visible()
    screenshot(page, "identity-authenticator-app")

    with server.app.app_context():
        [stored] = db.session.scalars(select(Passkey)).all()
        assert stored.name == "Work laptop"
        db.session.remove()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    _password(page)
    page.wait_for_url("**/login/second-factor")
    screenshot(page, "identity-second-factor-passkey")
    page.get_by_role("button", name="Use your passkey or security key").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith(str(server.port)))
    assert page.get_by_role("heading", name="Dashboard", level=1).is_visible()

    with server.app.app_context():
        [used] = db.session.scalars(select(Passkey)).all()
        assert used.last_used_at is not None
        assert used.sign_count >= 1
        db.session.remove()


def test_a_passkey_from_another_authenticator_is_refused(page, keyed) -> None:  # type: ignore[no-untyped-def]
    """The user's registered key lives in the first test's authenticator; this browser's
    authenticator has none of theirs, so the ceremony cannot produce an accepted assertion."""
    server, _ = keyed
    with server.app.app_context():
        user = auth.get_user_by_email(db.session(), EMAIL)
        if not factors.passkeys_of(db.session(), user):
            pytest.skip("needs the passkey registered by the previous test")
        db.session.remove()
    _virtual_authenticator(page)
    _password(page)
    page.wait_for_url("**/login/second-factor")
    page.get_by_role("button", name="Use your passkey or security key").click()
    alert = page.locator("[data-passkey-error]")
    alert.wait_for(state="visible")
    assert page.url.endswith("/login/second-factor")


def test_admin_links_an_account_to_a_person_and_requires_a_factor(page, keyed) -> None:  # type: ignore[no-untyped-def]
    """An administrator (signing in with an app code) links the editor to Tom Aldridge from
    the Users page and sees the sign-in security page; both photographed."""
    page.goto("/login")
    page.get_by_label("E-mail address").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/second-factor")
    page.get_by_label("Code").fill(_fresh_code())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/admin/users")
    assert page.locator("#people-without-account + ul").get_by_text("Tom Aldridge").is_visible()
    screenshot(page, "identity-users-page")
    page.get_by_role("link", name=EMAIL).click()
    page.get_by_label("Person").select_option(label="Tom Aldridge (FCDO)")
    page.get_by_role("button", name="Save person").click()
    assert page.get_by_text(f"{EMAIL} is now Tom Aldridge").is_visible()
    screenshot(page, "identity-user-page")
    page.goto("/admin/security")
    assert page.get_by_role("checkbox", name="Editors").first.is_checked()
    screenshot(page, "identity-sign-in-security")


def _fresh_code() -> str:
    """The code of the next time-step: inside the accepted drift, and later than the step
    used when the fixture enrolled the app (a code is never accepted twice)."""
    return pyotp.TOTP(ADMIN_SECRET).at(time.time() + 30)
