"""Setting up and removing second factors: an authenticator app (QR code), passkeys, and
recovery codes. The signed-in user manages theirs from the account page; a user whose sign-in
waits for a first factor (app.auth.second_factor) may add one here too, and is then signed in.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.auth import factors, passkeys
from app.auth.models import Role, User
from app.auth.second_factor import (
    after_enrolment,
    enrolling_user,
    keep_challenge,
    relying_party,
    take_challenge,
)
from app.auth.web import current_actor, role_required
from app.core.errors import EntenteError
from app.extensions import db_session
from app.web.unit_of_work import run_change

bp = Blueprint("factors", __name__)
ENROLMENT_KEY = "entente_totp_enrolment"


class AppForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(_l("Enter the code the app shows")), Length(max=12)],
    )


@bp.route("/account/authenticator", methods=["GET", "POST"])
def authenticator() -> ResponseReturnValue:
    """Add an authenticator app: scan the QR code (or type the secret), then give a code."""
    user = enrolling_user()
    if user is None:
        return redirect(url_for("auth.login"))
    secret = session.get(ENROLMENT_KEY)
    if request.method == "GET" or not isinstance(secret, str):
        secret = session[ENROLMENT_KEY] = factors.new_totp_secret()
    form = AppForm()
    problem, status = "", 200
    if form.validate_on_submit():
        change = run_change(
            lambda: factors.enrol_totp(db_session(), user, secret, form.code.data or ""),
            form=form,
        )
        if not change.failed:
            session.pop(ENROLMENT_KEY, None)
            return after_enrolment(user, "totp") or _back(_("Your authenticator app is set up."))
        problem, status = change.problem, change.status
    uri = factors.provisioning_uri(secret, user)
    return render_template(
        "account/authenticator.html",
        form=form,
        problem=problem,
        secret=secret,
        qr=factors.qr_svg(uri),
        signing_in=current_actor() is None,
    ), status


@bp.post("/account/passkeys/options")
def passkey_options() -> ResponseReturnValue:
    user = enrolling_user()
    if user is None:
        return jsonify(message=_("Sign in first")), 401
    options, challenge = passkeys.registration_options(db_session(), user, relying_party())
    keep_challenge(challenge)
    return Response(options, mimetype="application/json")


@bp.post("/account/passkeys")
def add_passkey() -> ResponseReturnValue:
    """The browser's answer to navigator.credentials.create(), checked and kept."""
    user = enrolling_user()
    if user is None:
        return jsonify(message=_("Sign in first")), 401
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    credential, name = body.get("credential"), body.get("name")
    challenge = take_challenge()
    if not challenge or not isinstance(credential, dict):
        return jsonify(message=_("Start again: the passkey request has expired")), 422
    try:
        run_change(
            lambda: passkeys.register(
                db_session(),
                user,
                relying_party(),
                credential,
                challenge,
                name if isinstance(name, str) else "",
            )
        )
    except EntenteError as error:
        return jsonify(message=error.message), error.http_status
    done = after_enrolment(user, "passkey") or _back(_("Your passkey is added."))
    return jsonify(redirect=done.headers["Location"])


@bp.post("/account/passkeys/<int:passkey_id>/remove")
@role_required(Role.VIEWER)
def remove_passkey(passkey_id: int) -> ResponseReturnValue:
    me = _me()
    return run_change(
        lambda: passkeys.remove(db_session(), me, passkey_id),
        success=_("The passkey is removed."),
        to=url_for("admin.account"),
    ).next_page


@bp.post("/account/authenticator/remove")
@role_required(Role.VIEWER)
def remove_authenticator() -> ResponseReturnValue:
    me = _me()
    return run_change(
        lambda: factors.remove_totp(db_session(), me),
        success=_("The authenticator app is removed."),
        to=url_for("admin.account"),
    ).next_page


@bp.post("/account/recovery-codes")
@role_required(Role.VIEWER)
def recovery_codes() -> ResponseReturnValue:
    """New recovery codes, shown on this page once (the old ones stop working)."""
    me = _me()
    change = run_change(lambda: factors.new_recovery_codes(db_session(), me))
    return render_template("account/recovery_codes.html", codes=change.result or [])


def _me() -> User:
    me = current_actor()
    if me is None:
        abort(401)
    return me


def _back(message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("admin.account"))
