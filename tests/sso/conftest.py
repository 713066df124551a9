"""Fixtures for single sign-on: a hostile provider on loopback and a provider connected to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import RSAKey
from sqlalchemy.orm import Session

from app.auth.models import Role, User
from app.settings import current_settings
from app.sso import services as sso
from app.sso.protocol import forget_cached
from tests import factories
from tests.sso.hostile import CLIENT_ID, CLIENT_SECRET, HostileProvider, hostile_provider
from tests.web.conftest import sign_in  # noqa: F401 - shared with the tests here


@pytest.fixture(scope="session")
def signing_keys() -> tuple[RSAKey, RSAKey]:
    return RSAKey.generate_key(2048), RSAKey.generate_key(2048)


@pytest.fixture
def hostile(signing_keys: tuple[RSAKey, RSAKey]) -> Iterator[HostileProvider]:
    forget_cached()
    with hostile_provider(*signing_keys) as provider:
        yield provider
    forget_cached()


@pytest.fixture
def admin(make: factories.Factory) -> User:
    return make.user(Role.ADMIN, email="admin@entente.test")


def policy(provider: HostileProvider, **changes: Any) -> sso.ProviderInput:
    values: dict[str, Any] = {
        "enabled": True,
        "name": "Hostile ID",
        "discovery_url": provider.discovery_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "role_claim": "groups",
        "group_roles": "",
        "verified_claim": "email_verified",
        "just_in_time": False,
        "default_role": "viewer",
        "password_off_roles": (),
        "provider_logout": False,
    }
    values.update(changes)
    return sso.ProviderInput(**values)


@pytest.fixture
def connect(
    app: Flask, session: Session, hostile: HostileProvider, admin: User
) -> Callable[..., None]:
    """Connect the hostile provider (as an admin would on the page), with policy changes."""

    def _connect(**changes: Any) -> None:
        sso.save(session, admin, current_settings(app), policy(hostile, **changes))
        session.flush()

    return _connect


def through_provider(client: FlaskClient, path: str = "/login/sso") -> Any:
    """Start at Entente, let the provider answer, and hand its answer to the callback."""
    start = client.get(path)
    assert start.status_code == 302, start.get_data(as_text=True)
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}")
