"""A user's own API tokens: trade e-mail and password (and a second factor when the role
needs one) for a token, list the tokens that still work, revoke one.

POST /tokens is rate-limited per client address (settings.api_sign_in_rate_limit; only
failed sign-ins count). Tokens are shown once, in the response body, and never logged.
"""

from __future__ import annotations

import logging
from typing import Any

from apiflask.validators import Length
from flask import request
from flask_babel import gettext as _

from app.api.auth import current_api_user, requires
from app.api.common import Text, api_blueprint, no_content
from app.api.users import LabelIn, TokenInfo, TokenOut, issued, sign_in_limit, token_days
from app.auth import factors
from app.auth import services as auth
from app.auth.limits import failed_sign_in, too_many_sign_ins
from app.auth.models import Role
from app.core import clock
from app.core.errors import EntenteError, PermissionDenied
from app.extensions import db, db_session, limiter
from app.settings import current_settings
from app.sso import services as sso

bp = api_blueprint("api_tokens", __name__, "/tokens", "Users")
blueprints = (bp,)
log = logging.getLogger(__name__)


class TokenRequest(LabelIn):
    email = Text(required=True, validate=Length(max=254))
    password = Text(required=True, load_only=True, validate=Length(max=1024))
    code = Text(
        load_only=True,
        validate=Length(max=64),
        metadata={
            "description": "A code from the user's authenticator app, or a recovery code; "
            "needed when the user's role must use a second factor"
        },
    )


@bp.post("")
@limiter.limit(sign_in_limit, error_message=too_many_sign_ins, deduct_when=failed_sign_in)
@bp.input(TokenRequest, location="json")
@bp.output(TokenOut, status_code=201)
@bp.doc(
    security=[],
    responses={
        400: "Malformed request",
        401: "E-mail address, password or second factor is not right",
        403: "Password sign-in is off for this user's role (single sign-on only)",
        413: "Request body too large",
        415: "Unsupported media type",
        422: "Invalid input; `field` names the offending field",
        429: "Too many failed attempts from this address; Retry-After says when to try again",
    },
)
def sign_in(json_data: dict[str, Any]) -> Any:
    """Trade an e-mail address and password (and `code`, when the user's role must use a
    second factor) for a new API token named `label` (rate-limited)."""
    session = db_session()
    user = auth.authenticate(session, json_data["email"], json_data["password"])
    if user is None:
        db.session.rollback()
        log.warning(
            "API sign-in refused for %r (client %s)", json_data["email"], request.remote_addr
        )
        raise _Unauthorized(_("E-mail address or password is not right"))
    if not sso.password_allowed(session, current_settings(), user):
        raise PermissionDenied(_("Password sign-in is off for your account; use single sign-on"))
    if (
        factors.required_for(session, user, "password", current_settings())
        and factors.check_code(session, user, json_data.get("code") or "") is None
    ):
        db.session.rollback()
        raise _Unauthorized(
            _(
                "This account needs a second factor: send `code` (from your authenticator "
                "app, or a recovery code), or create a token on your account page"
            ),
            field="code",
        )
    user.last_login_at = clock.now()
    token = auth.issue_api_token(
        session, user, user.id, json_data["label"], days=token_days(json_data)
    )
    db.session.commit()
    return issued(token, user), 201


@bp.get("")
@requires(bp, Role.VIEWER)
@bp.output(TokenInfo(many=True))
def list_own() -> Any:
    """Your tokens that still work (not revoked, not expired); never the tokens themselves."""
    return list(auth.list_tokens(db_session(), current_api_user()))


@bp.delete("/<int:token_id>")
@requires(bp, Role.VIEWER)
@bp.output({}, status_code=204)
def revoke_own(token_id: int) -> Any:
    """Revoke one of your tokens (the one this request uses too, if you like)."""
    me = current_api_user()
    auth.revoke_token(db_session(), me, token_id, owner_id=me.id)
    db.session.commit()
    return no_content()


class _Unauthorized(EntenteError):
    code = "unauthorized"
    http_status = 401


sign_in.required_role = None  # type: ignore[attr-defined]  # public: it is how a token is got
