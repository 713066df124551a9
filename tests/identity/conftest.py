"""Signed-in clients and helpers for the identity tests (accounts, sessions, factors)."""

from __future__ import annotations

import pytest

from app.auth.models import Role
from tests.api.conftest import Api, api_as
from tests.web.conftest import admin, as_admin, csrf_from, editor, sign_in, viewer

__all__ = ["admin", "api_as", "as_admin", "csrf_from", "editor", "sign_in", "viewer"]


@pytest.fixture
def api_admin(api_as) -> Api:  # type: ignore[no-untyped-def]
    return api_as(Role.ADMIN)


@pytest.fixture
def api_viewer(api_as) -> Api:  # type: ignore[no-untyped-def]
    return api_as(Role.VIEWER)
