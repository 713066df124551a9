"""Fixtures for the input tests: signed-in web clients (tests.web) and API callers (tests.api)."""

from __future__ import annotations

from tests.api.conftest import api_as
from tests.web.conftest import admin, as_admin, as_editor, as_viewer, editor, viewer

__all__ = ["admin", "api_as", "as_admin", "as_editor", "as_viewer", "editor", "viewer"]
