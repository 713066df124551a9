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
from app.auth.limits import failed_sign_in, too_many_sign_ins
from app.auth.second_factor import begin_sign_in
from app.auth.web import current_actor, current_session
from app.extensions import db, db_session, limiter
from app.settings import current_settings
from app.sso import services as sso
from app.sso.services import ProviderConfig
from app.web.next_page import safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    """Attempts per address, from settings (read per request so tests can tighten it)."""
    return str(current_settings().login_rate_limit)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit,
    methods=["POST"],
    error_message=too_many_sign_ins,
    deduct_when=failed_sign_in,
)
def login() -> ResponseReturnValue:
    """Sign in with e-mail and password."""
    # HEAD answers as GET does (Flask routes HEAD here too): only a failed POST is a 401.
    if current_actor() is not None and request.method != "POST":
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    provider = sso.active(db_session(), current_settings())
    if form.validate_on_submit():
        user = auth.authenticate(db_session(), form.email.data or "", form.password.data or "")
        if user is not None and not sso.password_allowed(db_session(), current_settings(), user):
            return _password_off(form, provider)  # nothing committed: last_login_at is dropped
        if user is not None:
            return begin_sign_in(user, method="password", next_url=request.args.get("next"))
        form.password.errors = [_("E-mail address or password is not right")]
    status = 401 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form, provider=provider), status


def _password_off(form: LoginForm, provider: ProviderConfig | None) -> ResponseReturnValue:
    """The right password, for a role that must use single sign-on: say so (403, which the
    failed-attempt limit does not count, as the password was right)."""
    name = provider.name if provider else ""
    form.password.errors = [
        _("Password sign-in is off for your account: sign in with %(name)s", name=name)
    ]
    return render_template("auth/login.html", form=form, provider=provider), 403


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (POST, with CSRF, so a link elsewhere cannot sign you out).

    Only this browser's session ends (its row, so every copy of its cookie stops working);
    the account page ends the others.
    """
    row = current_session()
    via_provider = bool(session.get(sso.SIGNED_IN_KEY))
    if row is not None:
        sessions.end_this(db_session(), row)
        db.session.commit()
    logout_user()
    session.clear()
    if via_provider:
        # The provider's sign-out is offered on a page of ours: the form-action CSP of the
        # page that posted here forbids redirecting this POST to another site.
        exit_url = sso.logout_target(
            db_session(), current_settings(), url_for("auth.login", _external=True)
        )
        if exit_url:
            session[sso.EXIT_KEY] = exit_url
            return redirect(url_for("sso.signed_out"))
    flash(_("You have signed out of this browser."), "success")
    return redirect(url_for("auth.login"))
