"""Who is looking at the page, for the web kernel's templates and navigation.

app/web sits below the domains and may not import app.auth; the app factory installs the
function that answers (app.auth.web.current_actor) with `install_viewer`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from flask import Flask, current_app

VIEWER_KEY = "entente.viewer"


class Viewer(Protocol):
    """What the kernel needs of a signed-in user."""

    @property
    def timezone(self) -> str | None: ...

    @property
    def language(self) -> str | None: ...

    def has_role(self, role: str) -> bool: ...


def install_viewer(app: Flask, provider: Callable[[], Viewer | None]) -> None:
    """Make `provider` (the signed-in user, or None) the answer of `current_viewer`."""
    app.extensions[VIEWER_KEY] = provider


def current_viewer() -> Viewer | None:
    """The signed-in user, or None (also when no provider is installed)."""
    provider: Callable[[], Viewer | None] | None = current_app.extensions.get(VIEWER_KEY)
    return provider() if provider is not None else None
