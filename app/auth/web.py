"""Flask-Login wiring and the role check every protected route uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort
from flask_babel import gettext
from flask_login import current_user

from app.auth import services as auth
from app.auth.models import Role, User
from app.extensions import db_session, login_manager

F = TypeVar("F", bound=Callable[..., Any])


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    # Flask-Login flashes the message through this, in the reader's language.
    login_manager.localize_callback = gettext
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(session_id: str) -> User | None:
        return auth.user_for_session(db_session(), session_id)


def current_actor() -> User | None:
    """The signed-in user, to pass to services as the acting user."""
    if current_user.is_authenticated:
        return cast(User, current_user._get_current_object())
    return None


def role_required(role: Role) -> Callable[[F], F]:
    """Only signed-in, active users with at least `role` get through (others: login or 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_actor()
            if user is None:
                return login_manager.unauthorized()
            if not user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = role  # type: ignore[attr-defined]  # read by the route audit test
        return cast(F, wrapped)

    return decorator
