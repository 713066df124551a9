"""Sign-in through the provider (both legs of the code flow) and the admin page that connects it."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from app.auth.models import Role, User
from app.auth.second_factor import begin_sign_in
from app.auth.web import current_actor, role_required
from app.extensions import db, db_session
from app.settings import current_settings
from app.sso import services as sso
from app.sso.forms import ProviderForm
from app.sso.protocol import Flow, ProviderUnavailable, SignInRefused, begin, finish
from app.sso.services import ProviderConfig, ProviderInput
from app.sso.signin import account_for, record_refusal
from app.web.unit_of_work import form_page

bp = Blueprint("sso", __name__)
FLOW_KEY = "sso_flow"
NEXT_KEY = "sso_next"


def _provider() -> ProviderConfig:
    config = sso.active(db_session(), current_settings())
    if config is None:
        abort(404)
    return config


@bp.get("/login/sso")
def start() -> ResponseReturnValue:
    """Send the browser to the provider with a fresh state, nonce and PKCE challenge."""
    config = _provider()
    try:
        url, flow = begin(config.connection, url_for("sso.callback", _external=True))
    except ProviderUnavailable as error:
        return _refused_page(config, error.message, 502)
    session[FLOW_KEY] = flow.to_dict()
    session[NEXT_KEY] = request.args.get("next", "")
    return redirect(url)


@bp.get("/login/sso/callback")
def callback() -> ResponseReturnValue:
    """The provider's answer: verify it, find the account, sign in, or refuse on the record.

    The flow is taken out of the session first, so an answer is never accepted twice.
    """
    flow = Flow.from_dict(session.pop(FLOW_KEY, None) or {})
    after = session.pop(NEXT_KEY, "")
    config = _provider()
    claims = None
    try:
        claims = finish(config.connection, flow, request.args)
        user = account_for(db_session(), config, claims)
    except SignInRefused as refused:  # raised before any change: only the refusal is kept
        record_refusal(db_session(), refused, claims)
        db.session.commit()
        return _refused_page(config, refused.message, 403)
    except ProviderUnavailable as error:
        return _refused_page(config, error.message, 502)
    db.session.commit()
    return _signed_in(user, after)


def _signed_in(user: User, after: str) -> ResponseReturnValue:
    """Hand the user to the sign-in hook (a second factor may follow); the session keeps
    that it came through the provider (sign-out then leaves the provider too)."""
    return begin_sign_in(user, method="oidc", next_url=after, keep={sso.SIGNED_IN_KEY: True})


@bp.get("/signed-out")
def signed_out() -> ResponseReturnValue:
    """After signing out of Entente: the way to sign out at the provider too."""
    exit_url = session.pop(sso.EXIT_KEY, None)
    if not exit_url:
        return redirect(url_for("auth.login"))
    config = _provider()
    return render_template("sso/signed_out.html", provider=config, exit_url=exit_url)


def _refused_page(config: ProviderConfig, message: str, status: int) -> ResponseReturnValue:
    return render_template("sso/refused.html", provider=config, message=message), status


@bp.route("/admin/sso", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def provider() -> ResponseReturnValue:
    """Connect the provider: address, client, roles, who may still use a password."""
    settings = current_settings()
    row = sso.stored(db_session())
    form = ProviderForm(obj=row)
    if request.method == "GET" and row is not None:
        form.group_roles.data = sso.group_roles_text(row)
        form.password_off_roles.data = [r for r in row.password_off_roles.split(",") if r]
        form.default_role.data = row.default_role.value
    return form_page(
        form,
        lambda: sso.save(db_session(), current_actor(), settings, _input(form)),
        success=_("Single sign-on settings saved."),
        to=url_for("sso.provider"),
        render=lambda problem: render_template(
            "sso/provider.html",
            form=form,
            problem=problem,
            row=row,
            from_settings=sso.settings_connect(settings),
            settings=settings,
            secret_unreadable=sso.secret_unreadable(row, settings),
            callback_url=url_for("sso.callback", _external=True),
        ),
    )


def _input(form: ProviderForm) -> ProviderInput:
    return ProviderInput(
        enabled=bool(form.enabled.data),
        name=form.name.data or "",
        discovery_url=form.discovery_url.data or "",
        client_id=form.client_id.data or "",
        client_secret=form.client_secret.data or "",
        role_claim=form.role_claim.data or "",
        group_roles=form.group_roles.data or "",
        verified_claim=form.verified_claim.data or "",
        just_in_time=bool(form.just_in_time.data),
        default_role=form.default_role.data or "viewer",
        password_off_roles=tuple(form.password_off_roles.data or ()),
        provider_logout=bool(form.provider_logout.data),
    )
