"""The second step of signing in: after a password or the identity provider, a second factor
when the policy asks for one, then the session.

`begin_sign_in(user, method=...)` is the one door both sign-in methods go through. Either it
signs the user in at once, or it keeps a "pending second factor" state in the session cookie
(user, nonce, method, when; nothing else is trusted before the factor) and sends the browser
to the factor page, or to enrol one if the user has none yet. Only then is the session row
started and `login_user` called (app.auth.web.sign_in_browser).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
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

from app.audit import services as audit
from app.auth import factors, passkeys
from app.auth.limits import failed_sign_in, too_many_sign_ins
from app.auth.models import User
from app.auth.web import current_actor, sign_in_browser
from app.extensions import db, db_session, limiter
from app.settings import current_settings
from app.web.next_page import safe_next

bp = Blueprint("second_factor", __name__)
PENDING = "entente_pending_sign_in"
CHALLENGE = "entente_webauthn_challenge"
PENDING_SECONDS = 600  # the factor must follow the password within ten minutes


@dataclass(frozen=True)
class Pending:
    user: User
    method: str
    next_url: str | None
    keep: dict[str, str | int | bool]


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code")), Length(max=64)],
        description=_l(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes"
        ),
    )


def begin_sign_in(
    user: User,
    *,
    method: str,
    next_url: str | None = None,
    keep: Mapping[str, str | int | bool] | None = None,
) -> Response:
    """Sign `user` in after their first factor (`method`: "password" or "oidc"): at once, or
    through the second-factor page when the policy requires one for their role. `keep`: the
    session entries the signed-in session starts with (e.g. "signed in through the provider")."""
    database = db_session()
    if not factors.required_for(database, user, method, current_settings()):
        return complete_sign_in(user, method=method, next_url=next_url, keep=keep)
    db.session.commit()  # a re-hashed password, say
    session.clear()  # nothing from before sign-in carries over (fixation)
    session[PENDING] = {
        "user": user.id,
        "nonce": user.session_nonce,
        "method": method,
        "next": next_url,
        "since": int(time.time()),
        "keep": dict(keep or {}),
    }
    if factors.has_second_factor(database, user):
        return redirect(url_for("second_factor.verify"))
    return redirect(url_for("second_factor.setup"))


def complete_sign_in(
    user: User,
    *,
    method: str,
    next_url: str | None = None,
    keep: Mapping[str, str | int | bool] | None = None,
    factor: str | None = None,
) -> Response:
    """Start the session: a new session row (audited with the method and second factor
    used), the cookie, and the redirect onwards."""
    sign_in_browser(user, method=method, factor=factor)
    session.update(keep or {})
    db.session.commit()
    return redirect(safe_next(next_url))


def pending() -> Pending | None:
    """The sign-in waiting for its second factor, if it is recent and still valid."""
    data = session.get(PENDING)
    if not isinstance(data, dict) or int(time.time()) - int(data.get("since", 0)) > PENDING_SECONDS:
        return None
    user = db_session().get(User, data.get("user"))
    if user is None or not user.is_active or user.session_nonce != data.get("nonce"):
        return None
    keep = data.get("keep")
    return Pending(
        user,
        str(data.get("method", "password")),
        data.get("next"),
        keep if isinstance(keep, dict) else {},
    )


def enrolling_user() -> User | None:
    """Who may add a factor now: the signed-in user, or one whose sign-in waits for them to
    set up their first factor."""
    me = current_actor()
    if me is not None:
        return me
    waiting = pending()
    if waiting is None or factors.has_second_factor(db_session(), waiting.user):
        return None
    return waiting.user


def relying_party() -> passkeys.RelyingParty:
    settings = current_settings()
    return passkeys.RelyingParty.from_settings(settings.base_url, settings.webauthn_rp_id)


def keep_challenge(challenge: bytes) -> None:
    session[CHALLENGE] = challenge.hex()


def take_challenge() -> bytes:
    """The ceremony's challenge, used once."""
    value = session.pop(CHALLENGE, None)
    try:
        return bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        return b""


def after_enrolment(user: User, factor: str) -> Response | None:
    """A first factor (`factor`: "totp", "passkey") set up during sign-in completes it."""
    waiting = pending()
    if current_actor() is None and waiting is not None and waiting.user.id == user.id:
        response = complete_sign_in(
            user,
            method=waiting.method,
            next_url=url_for("admin.account"),
            keep=waiting.keep,
            factor=factor,
        )
        flash(
            _("You are signed in. Make recovery codes below, in case you lose your second factor."),
            "success",
        )
        return response
    return None


def _refused(waiting: Pending, factor: str) -> None:
    """A wrong second factor after the right first one: kept in the audit log (the attempt
    itself was rolled back), so an administrator sees someone who knows the password."""
    audit.record(
        db_session(),
        waiting.user,
        "sign_in.second_factor_refused",
        "user",
        waiting.user.id,
        f"Wrong {factor} after a correct {waiting.method} sign-in for {waiting.user.email}",
        {"method": waiting.method, "factor": factor},
    )
    db.session.commit()


def _sign_in_limit() -> str:
    return str(current_settings().login_rate_limit)


def _account_key() -> str:
    """Wrong codes count per account as well as per address: guessing a six-digit code from
    many addresses is stopped too."""
    data = session.get(PENDING)
    user = data.get("user") if isinstance(data, dict) else None
    return f"second-factor-user:{user}"


@bp.route("/login/second-factor", methods=["GET", "POST"])
@limiter.limit(
    _sign_in_limit, methods=["POST"], error_message=too_many_sign_ins, deduct_when=failed_sign_in
)
@limiter.limit(
    _sign_in_limit,
    key_func=_account_key,
    methods=["POST"],
    error_message=too_many_sign_ins,
    deduct_when=failed_sign_in,
)
def verify() -> ResponseReturnValue:
    """Second step: a code from the app, a recovery code, or a passkey (passkeys.js)."""
    waiting = pending()
    if waiting is None:
        return redirect(url_for("auth.login"))
    database = db_session()
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        factor = factors.check_code(database, waiting.user, form.code.data or "")
        if factor is not None:
            return complete_sign_in(
                waiting.user,
                method=waiting.method,
                next_url=waiting.next_url,
                keep=waiting.keep,
                factor=factor,
            )
        db.session.rollback()
        _refused(waiting, "code")
        form.code.errors = [_("That code is not right, or it has been used already")]
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template(
        "auth/second_factor.html",
        form=form,
        user=waiting.user,
        takes_a_code=factors.has_totp(database, waiting.user)
        or factors.recovery_codes_left(database, waiting.user) > 0,
        has_passkey=bool(factors.passkeys_of(database, waiting.user)),
    ), status


@bp.post("/login/second-factor/passkey/options")
def passkey_options() -> ResponseReturnValue:
    waiting = pending()
    if waiting is None:
        return jsonify(message=_("Your sign-in has expired; start again")), 401
    options, challenge = passkeys.authentication_options(
        db_session(), waiting.user, relying_party()
    )
    keep_challenge(challenge)
    return Response(options, mimetype="application/json")


@bp.post("/login/second-factor/passkey")
@limiter.limit(_sign_in_limit, error_message=too_many_sign_ins, deduct_when=failed_sign_in)
@limiter.limit(
    _sign_in_limit,
    key_func=_account_key,
    error_message=too_many_sign_ins,
    deduct_when=failed_sign_in,
)
def passkey_sign_in() -> ResponseReturnValue:
    waiting = pending()
    if waiting is None:
        return jsonify(message=_("Your sign-in has expired; start again")), 401
    credential = _credential()
    challenge = take_challenge()
    if not challenge or not passkeys.authenticate(
        db_session(), waiting.user, relying_party(), credential, challenge
    ):
        db.session.rollback()
        _refused(waiting, "passkey")
        return jsonify(message=_("That passkey was not accepted")), 401
    response = complete_sign_in(
        waiting.user,
        method=waiting.method,
        next_url=waiting.next_url,
        keep=waiting.keep,
        factor="passkey",
    )
    return jsonify(redirect=response.headers["Location"])


@bp.get("/login/second-factor/setup")
def setup() -> ResponseReturnValue:
    """A role that must use a second factor, and none set up yet: set one up to go on."""
    user = enrolling_user()
    if user is None or current_actor() is not None:
        return redirect(url_for("auth.login"))
    return render_template("auth/second_factor_setup.html", user=user)


def _credential() -> dict[str, Any]:
    """The browser's PublicKeyCredential as JSON (anything else: an empty dict, refused)."""
    body = request.get_json(silent=True)
    credential = body.get("credential") if isinstance(body, dict) else None
    return credential if isinstance(credential, dict) else {}
