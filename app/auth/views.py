from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user

from app.auth import services as auth
from app.auth.forms import LoginForm
from app.auth.web import current_actor
from app.extensions import db, db_session

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign in with e-mail and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = auth.authenticate(db_session(), form.email.data or "", form.password.data or "")
        if user is not None:
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = ["E-mail address or password is not right"]
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" else 401


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (POST, with CSRF, so a link elsewhere cannot sign you out)."""
    user = current_actor()
    if user is not None:
        auth.end_all_sessions(db_session(), user)
        db.session.commit()
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.home")
