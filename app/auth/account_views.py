"""The account page's sessions and API tokens: each signed-in browser can be ended, each
token revoked, and new named tokens with an expiry made (shown once)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from app.auth import factors, sessions
from app.auth import services as auth
from app.auth.models import Role, User
from app.auth.web import current_actor, current_session, lifetime, role_required
from app.extensions import db_session
from app.settings import current_settings
from app.web.unit_of_work import run_change

bp = Blueprint("account", __name__)


class TokenForm(FlaskForm):
    label = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Name the token")), Length(max=100)],
        description=_l("What it is for, e.g. 'Outlook add-in' or 'reporting script'"),
    )
    days = IntegerField(
        _l("Days until it expires"),
        validators=[
            DataRequired(_l("Enter a number of days")),
            NumberRange(min=1, max=auth.MAX_TOKEN_DAYS),
        ],
    )


def account_context(me: User) -> dict[str, Any]:
    """What the account page shows besides the settings form."""
    database = db_session()
    this = current_session()
    return {
        "sessions": sessions.live_sessions(database, me, lifetime()),
        "this_session_id": this.id if this is not None else None,
        "browser_label": sessions.browser_label,
        "tokens": auth.list_tokens(database, me),
        "token_form": TokenForm(formdata=None, days=current_settings().api_token_days),
        "has_app": factors.has_totp(database, me),
        "passkeys": factors.passkeys_of(database, me),
        "codes_left": factors.recovery_codes_left(database, me),
        "factor_required": factors.required_for(database, me, "password", current_settings()),
    }


@bp.post("/account/sessions/<int:session_id>/end")
@role_required(Role.VIEWER)
def end_session(session_id: int) -> ResponseReturnValue:
    me = _me()
    return run_change(
        lambda: sessions.end_own(db_session(), me, session_id),
        success=_("That session has ended."),
        to=url_for("admin.account"),
    ).next_page


@bp.post("/account/sessions/end-others")
@role_required(Role.VIEWER)
def end_other_sessions() -> ResponseReturnValue:
    me = _me()
    return run_change(
        lambda: sessions.end_all(db_session(), me, keep=current_session()),
        success=lambda count: _("%(count)s other session(s) ended.", count=count),
        to=url_for("admin.account"),
    ).next_page


@bp.post("/account/tokens")
@role_required(Role.VIEWER)
def new_token() -> ResponseReturnValue:
    """Make a named token; the page that answers shows it, once."""
    me = _me()
    form = TokenForm()
    if not form.validate_on_submit():
        return render_template("account/token_form.html", form=form), 422
    change = run_change(
        lambda: auth.issue_api_token(
            db_session(), me, me.id, form.label.data or "", days=form.days.data or 0
        ),
        form=form,
    )
    if change.failed or change.result is None:
        return render_template("account/token_form.html", form=form), change.status
    return render_template("account/new_token.html", token=change.result, label=form.label.data)


@bp.post("/account/tokens/<int:token_id>/revoke")
@role_required(Role.VIEWER)
def revoke_token(token_id: int) -> ResponseReturnValue:
    me = _me()
    return run_change(
        lambda: auth.revoke_token(db_session(), me, token_id, owner_id=me.id),
        success=lambda row: _("The token %(name)s is revoked.", name=row.label),
        to=url_for("admin.account"),
    ).next_page


def _me() -> User:
    me = current_actor()
    if me is None:
        abort(401)
    return me
