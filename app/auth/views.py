"""Sign-in and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import login_user, logout_user

from app.auth import services as auth
from app.auth.forms import LoginForm
from app.auth.limits import TOO_MANY_SIGN_INS, failed_sign_in
from app.auth.web import current_actor
from app.extensions import db, db_session, limiter
from app.settings import current_settings

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    """Attempts per address, from settings (read per request so tests can tighten it)."""
    return str(current_settings().login_rate_limit)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit,
    methods=["POST"],
    error_message=TOO_MANY_SIGN_INS,
    deduct_when=failed_sign_in,
)
def login() -> ResponseReturnValue:
    """Sign in with e-mail and password."""
    # HEAD answers as GET does (Flask routes HEAD here too): only a failed POST is a 401.
    if current_actor() is not None and request.method != "POST":
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = auth.authenticate(db_session(), form.email.data or "", form.password.data or "")
        if user is not None:
            db.session.commit()
            session.clear()  # nothing from before sign-in carries over (fixation)
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = ["E-mail address or password is not right"]
    status = 401 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (POST, with CSRF, so a link elsewhere cannot sign you out).

    Changing the user's session nonce ends this session and every copy of its cookie.
    """
    user = current_actor()
    if user is not None:
        auth.end_all_sessions(db_session(), user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(gettext("You have signed out of this browser."), "success")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else the dashboard.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    `/<TAB>/evil.example` or `/\\evil.example` would leave the site: any of them is refused
    (and a newline could not go into the Location header anyway).
    """
    if target and _is_local_path(target):
        return target
    return url_for("dashboard.home")


def _is_local_path(target: str) -> bool:
    if not target.isprintable() or " " in target or "\\" in target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
    )
