"""Signed-in clients per role for the web tests."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import Role, User
from tests import factories

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def sign_in(client: FlaskClient, user: User) -> FlaskClient:
    """Sign in through the real login form, CSRF token included."""
    page = client.get("/login")
    token = _csrf(page.get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _csrf(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def csrf_from(client: FlaskClient, path: str) -> str:
    return _csrf(client.get(path).get_data(as_text=True))


@pytest.fixture
def admin(make: factories.Factory) -> User:
    return make.user(Role.ADMIN)


@pytest.fixture
def editor(make: factories.Factory) -> User:
    return make.user(Role.EDITOR)


@pytest.fixture
def viewer(make: factories.Factory) -> User:
    return make.user(Role.VIEWER)


@pytest.fixture
def as_admin(app: Flask, client: FlaskClient, admin: User) -> FlaskClient:
    return sign_in(client, admin)


@pytest.fixture
def as_editor(app: Flask, client: FlaskClient, editor: User) -> FlaskClient:
    return sign_in(client, editor)


@pytest.fixture
def as_viewer(app: Flask, client: FlaskClient, viewer: User) -> FlaskClient:
    return sign_in(client, viewer)
