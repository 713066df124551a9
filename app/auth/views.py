"""Sign-in and sign-out."""

from __future__ import annotations

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
from flask_babel import gettext as _
from flask_login import logout_user

from app.auth import services as auth
from app.auth import sessions
from app.auth.forms import LoginForm
from app.auth.limits import TOO_MANY_SIGN_INS, failed_sign_in
from app.auth.second_factor import begin_sign_in
from app.auth.web import current_actor, current_session, safe_next
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
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = auth.authenticate(db_session(), form.email.data or "", form.password.data or "")
        if user is not None:
            return begin_sign_in(user, method="password", next_url=request.args.get("next"))
        form.password.errors = [_("E-mail address or password is not right")]
    status = 401 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (POST, with CSRF, so a link elsewhere cannot sign you out).

    Only this browser's session ends (its row, so every copy of its cookie stops working);
    the account page ends the others.
    """
    row = current_session()
    if row is not None:
        sessions.end_this(db_session(), row)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))
