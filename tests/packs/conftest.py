"""Signed-in clients for the pack tests (the web tests' fixtures)."""

from tests.web.conftest import as_editor, as_viewer, editor, viewer

__all__ = ["as_editor", "as_viewer", "editor", "viewer"]
