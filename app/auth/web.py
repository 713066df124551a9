"""Flask-Login wiring, the per-request session check and the role check every route uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, abort, g, request, session
from flask_babel import gettext
from flask_login import current_user, login_user
from sqlalchemy.exc import SQLAlchemyError

from app.auth import services as auth
from app.auth import sessions
from app.auth.models import Role, User, UserSession
from app.core.languages import defer_translation
from app.core.sqlite import write_intent
from app.extensions import db, db_session, login_manager
from app.settings import current_settings

F = TypeVar("F", bound=Callable[..., Any])
# The Flask session entry holding this browser's session key (see app.auth.sessions).
SESSION_KEY = "entente_sid"
_SAFE_METHODS = frozenset({"GET", "HEAD"})


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = defer_translation("Sign in to continue.")
    # Flask-Login flashes the message through this, in the reader's language.
    login_manager.localize_callback = gettext
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load(session_id: str) -> User | None:
        user = auth.user_for_session(db_session(), session_id)
        if user is None:
            return None
        row = sessions.resolve(db_session(), user, session.get(SESSION_KEY), lifetime())
        if row is None:
            return None
        g.entente_session = row
        return user

    app.after_request(_note_last_seen)


def lifetime() -> sessions.Lifetime:
    """Idle and absolute session timeouts, from settings."""
    settings = current_settings()
    return sessions.Lifetime(
        idle=timedelta(hours=settings.session_lifetime_hours),
        most=timedelta(hours=settings.session_max_hours),
    )


def sign_in_browser(user: User, *, method: str, factor: str | None = None) -> None:
    """Start a session row for this browser and sign the user in (the caller commits)."""
    session.clear()  # nothing from before sign-in carries over (fixation)
    key = sessions.start(
        db_session(),
        user,
        method=method,
        factor=factor,
        user_agent=request.headers.get("User-Agent", ""),
    )
    session[SESSION_KEY] = key
    login_user(user)


def current_session() -> UserSession | None:
    """This browser's session row, once the user is loaded."""
    if current_actor() is None:
        return None
    row: UserSession | None = g.get("entente_session")
    return row


def _note_last_seen(response: Response) -> Response:
    """Write "last seen" at most once a minute, after a safe request, in a short transaction
    of its own that takes the write lock first (app.core.sqlite): a busy moment skips it."""
    row: UserSession | None = g.get("entente_session")
    if row is None or request.method not in _SAFE_METHODS or not sessions.due_for_touch(row):
        return response
    row_id = row.id  # read before the commit expires it
    try:
        db.session.commit()  # ends the request's read-only transaction
        with write_intent():
            sessions.touch(db_session(), row_id)
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
    return response


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
