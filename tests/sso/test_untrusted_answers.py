"""Answers a relying party must refuse, from a provider that misbehaves on purpose: each is
refused with a page that says so (403), an audit entry naming the reason, and no session."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
import requests
from joserfc.jwk import OctKey
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import services as auth
from app.auth.models import Role
from tests.sso.conftest import through_provider
from tests.sso.hostile import KID, signed
from tests.web.conftest import csrf_from

NOT_VERIFIED = "could not be verified"


def refusals(session: Any) -> list[str]:
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sso.sign_in_refused").order_by(AuditEntry.id)
    ).all()
    return [entry.changes["reason"] for entry in entries]


def signed_in(client: Any) -> bool:
    return client.get("/").status_code == 200


def test_an_honest_answer_signs_the_user_in_with_pkce(client, session, make, hostile, connect):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    response = through_provider(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in(client)
    (request,) = hostile.token_requests
    assert request["grant_type"] == "authorization_code"
    assert len(request["code_verifier"]) >= 43  # the provider checked it against the S256 challenge
    assert refusals(session) == []


def test_a_token_for_another_audience_is_refused(client, session, make, hostile, connect):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    hostile.claims = {"aud": "some-other-client"}
    response = through_provider(client)
    assert response.status_code == 403
    assert NOT_VERIFIED in response.get_data(as_text=True)
    assert refusals(session) == ["id_token_aud"]
    assert not signed_in(client)


def test_several_audiences_need_this_client_as_authorised_party(
    client, session, make, hostile, connect
):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    hostile.claims = {"aud": ["entente-tests", "another-app"], "azp": "another-app"}
    assert through_provider(client).status_code == 403
    assert refusals(session) == ["id_token_aud"]


def test_a_signature_by_a_foreign_key_is_refused(client, session, make, hostile, connect):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    hostile.sign = lambda claims, provider: signed(claims, provider.rogue_key)  # same kid
    response = through_provider(client)
    assert response.status_code == 403
    assert refusals(session) == ["id_token_signature"]
    assert not signed_in(client)


@pytest.mark.parametrize("alg", ["HS256", "none"])
def test_a_token_with_a_shared_secret_or_no_signature_is_refused(
    client, session, make, hostile, connect, alg
):
    """Algorithm confusion: a MAC keyed with the client secret (which the provider knows, and
    so does anyone who has it) or "none" is never accepted for an ID token."""
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    if alg == "none":
        hostile.sign = lambda claims, provider: _unsigned(claims)
    else:
        secret = OctKey.import_key(b"hostile-provider-client-secret-padded-to-32b")
        hostile.sign = lambda claims, provider: signed(claims, secret, alg="HS256")  # type: ignore[arg-type]
    assert through_provider(client).status_code == 403
    assert refusals(session) == ["id_token_signature"]
    assert not signed_in(client)


def test_a_replayed_nonce_is_refused(client, session, make, hostile, connect):
    """The provider answers a new attempt with an ID token minted for an earlier one."""
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    assert through_provider(client).status_code == 302
    client.post("/logout", data={"csrf_token": _csrf(client)})
    first_nonce = hostile.nonces[0]
    hostile.claims = {"nonce": first_nonce}
    response = through_provider(client)
    assert response.status_code == 403
    assert hostile.nonces[1] != first_nonce
    assert refusals(session) == ["id_token_nonce"]
    assert not signed_in(client)


def test_a_replayed_callback_is_refused(client, session, make, hostile, connect):
    """The same answer (code and state) handed in twice: the attempt was used up."""
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    start = client.get("/login/sso")
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    callback = answer.headers["Location"].split("localhost", 1)[1]
    assert client.get(callback).status_code == 302
    client.post("/logout", data={"csrf_token": _csrf(client)})
    again = client.get(callback)
    assert again.status_code == 403
    assert "expired or was already used" in again.get_data(as_text=True)
    assert refusals(session) == ["state"]


def test_an_expired_token_is_refused(client, session, make, hostile, connect):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    now = int(time.time())
    hostile.claims = {"iat": now - 7200, "exp": now - 3600}
    assert through_provider(client).status_code == 403
    assert refusals(session) == ["id_token_expired"]
    assert not signed_in(client)


def test_a_token_from_another_issuer_is_refused(client, session, make, hostile, connect):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    hostile.claims = {"iss": "https://login.evil.example"}
    assert through_provider(client).status_code == 403
    assert refusals(session) == ["id_token_iss"]


def test_a_token_without_a_nonce_is_refused(client, session, make, hostile, connect):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    hostile.claims = {"nonce": None}
    assert through_provider(client).status_code == 403
    assert refusals(session) == ["id_token_nonce"]


def test_an_unverified_address_is_refused(client, session, make, hostile, connect):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect(just_in_time=True)
    hostile.claims = {"email_verified": False}
    response = through_provider(client)
    assert response.status_code == 403
    assert "has not verified your e-mail address" in response.get_data(as_text=True)
    assert refusals(session) == ["email_unverified"]
    assert not signed_in(client)


def test_someone_without_an_account_is_refused_by_default(client, session, hostile, connect):
    connect()
    hostile.claims = {"email": "stranger@entente.test"}
    response = through_provider(client)
    assert response.status_code == 403
    assert "no Entente account for stranger@entente.test" in response.get_data(as_text=True)
    assert refusals(session) == ["unknown_user"]
    (entry,) = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sso.sign_in_refused")
    ).all()
    assert entry.changes["email"] == "stranger@entente.test"
    assert not signed_in(client)


def test_a_disabled_account_is_refused(client, session, make, admin, hostile, connect):
    user = make.user(Role.EDITOR, email="editor@entente.test")
    auth.set_active(session, admin, user.id, False)
    connect()
    assert through_provider(client).status_code == 403
    assert refusals(session) == ["disabled"]


def _unsigned(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'kid': KID})}.{part(claims)}."


def _csrf(client: Any) -> str:
    return csrf_from(client, "/account")


def test_a_provider_that_does_not_answer_gives_a_clear_page(client, session, connect):
    connect(discovery_url="http://127.0.0.1:9")  # nothing listens on the discard port
    response = client.get("/login/sso")
    assert response.status_code == 502
    assert "did not answer" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "landing"),
    [("/meetings", "/meetings"), ("//evil.example/x", "/"), ("https://evil.example", "/")],
)
def test_the_page_asked_for_is_reached_after_sign_in_and_only_on_this_site(
    client, make, hostile, connect, target, landing
):
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    response = through_provider(client, f"/login/sso?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == landing


def test_a_rotated_signing_key_is_fetched_again(client, make, hostile, connect, signing_keys):
    """The key set is cached; a token signed with a key id it does not know makes the relying
    party fetch the provider's keys again, once."""
    make.user(Role.EDITOR, email="editor@entente.test")
    connect()
    assert through_provider(client).status_code == 302
    client.post("/logout", data={"csrf_token": _csrf(client)})
    hostile.key, hostile.kid = signing_keys[1], "key-2"
    assert through_provider(client).status_code == 302
