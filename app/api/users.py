"""Users and API tokens: admins manage users; anyone may trade e-mail and password for a token.

Token endpoints are rate-limited per client address (settings.api_sign_in_rate_limit; for
POST /tokens only failed sign-ins count). Tokens are shown once, in the response body, and
never logged; only their hashes are stored.
"""

from __future__ import annotations

import logging
from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Integer, Nested
from apiflask.validators import Email, Length, OneOf
from flask import request
from flask_babel import gettext as _

from app.api.auth import current_api_user, requires
from app.api.common import Moment, Text, api_blueprint
from app.auth import services as auth
from app.auth.limits import failed_sign_in, too_many_sign_ins
from app.auth.models import Role
from app.core.errors import EntenteError, PermissionDenied
from app.extensions import db, db_session, limiter
from app.settings import Settings, current_settings
from app.sso import services as sso

bp = api_blueprint("api_users", __name__, "/users", "Users")
tokens_bp = api_blueprint("api_tokens", __name__, "/tokens", "Users")
blueprints = (bp, tokens_bp)
ROLES = [role.value for role in Role]
log = logging.getLogger(__name__)


def sign_in_limit() -> str:
    settings: Settings = current_settings()
    return settings.api_sign_in_rate_limit


class UserOut(Schema):
    id = Integer(required=True)
    email = Text(required=True)
    name = Text(required=True)
    role = Text(required=True, validate=OneOf(ROLES))
    is_active = Boolean(required=True)
    created_at = Moment(required=True)
    last_login_at = Moment(required=True, allow_none=True)


class UserIn(Schema):
    email = Text(required=True, validate=[Length(max=254), Email()])
    role = Text(required=True, validate=OneOf(ROLES))
    name = Text(load_default="", validate=Length(max=200))
    password = Text(
        load_default=None,
        allow_none=True,
        load_only=True,
        validate=Length(min=auth.MIN_PASSWORD_LENGTH, max=1024),
    )


class UserPatch(Schema):
    role = Text(validate=OneOf(ROLES))
    is_active = Boolean()


class TokenRequest(Schema):
    email = Text(required=True, validate=Length(max=254))
    password = Text(required=True, load_only=True, validate=Length(max=1024))
    label = Text(load_default="api", validate=Length(max=100))


class LabelIn(Schema):
    label = Text(load_default="api", validate=Length(max=100))


class TokenOut(Schema):
    token = Text(required=True, metadata={"description": "Shown once; send as Bearer"})
    user = Nested(UserOut, required=True)


class RevokedOut(Schema):
    revoked = Integer(required=True)


@bp.get("")
@requires(bp, Role.ADMIN)
@bp.output(UserOut(many=True))
def list_users() -> Any:
    """All users with their role and status."""
    return list(auth.list_users(db_session()))


@bp.post("")
@requires(bp, Role.ADMIN)
@bp.input(UserIn, location="json")
@bp.output(UserOut, status_code=201)
def create_user(json_data: dict[str, Any]) -> Any:
    """Create a user (with a password to sign in to the UI, or none for API-only use)."""
    values = dict(json_data)
    user = auth.create_user(
        db_session(), current_api_user(), values.pop("email"), values.pop("role"), **values
    )
    db.session.commit()
    return user, 201


@bp.patch("/<int:user_id>")
@requires(bp, Role.ADMIN)
@bp.input(UserPatch, location="json")
@bp.output(UserOut)
def update_user(user_id: int, json_data: dict[str, Any]) -> Any:
    """Change a user's role, or disable / enable them (disabling ends their sessions and
    revokes their API tokens). No change may leave the service without an active administrator."""
    session = db_session()
    user = auth.get_user(session, user_id)
    if "role" in json_data:
        user = auth.set_role(session, current_api_user(), user_id, json_data["role"])
    if "is_active" in json_data and json_data["is_active"] != user.is_active:
        user = auth.set_active(session, current_api_user(), user_id, json_data["is_active"])
    db.session.commit()
    return user


@bp.post("/<int:user_id>/tokens")
@limiter.limit(sign_in_limit)
@requires(bp, Role.ADMIN)
@bp.input(LabelIn, location="json")
@bp.output(TokenOut, status_code=201)
def issue_token(user_id: int, json_data: dict[str, Any]) -> Any:
    """Issue an API token for a user; it is shown only in this response."""
    session = db_session()
    token = auth.issue_api_token(session, current_api_user(), user_id, json_data["label"])
    db.session.commit()
    return {"token": token, "user": auth.get_user(session, user_id)}, 201


@bp.delete("/<int:user_id>/tokens")
@requires(bp, Role.ADMIN)
@bp.output(RevokedOut)
def revoke_tokens(user_id: int) -> Any:
    """Revoke every API token of a user."""
    count = auth.revoke_api_tokens(db_session(), current_api_user(), user_id)
    db.session.commit()
    return {"revoked": count}


@tokens_bp.post("")
@limiter.limit(sign_in_limit, error_message=too_many_sign_ins, deduct_when=failed_sign_in)
@tokens_bp.input(TokenRequest, location="json")
@tokens_bp.output(TokenOut, status_code=201)
@tokens_bp.doc(
    security=[],
    responses={
        400: "Malformed request",
        401: "E-mail address or password is not right",
        403: "Password sign-in is off for this user's role (single sign-on only)",
        413: "Request body too large",
        415: "Unsupported media type",
        429: "Too many failed attempts from this address; Retry-After says when to try again",
    },
)
def sign_in(json_data: dict[str, Any]) -> Any:
    """Trade an e-mail address and password for a new API token (rate-limited)."""
    session = db_session()
    user = auth.authenticate(session, json_data["email"], json_data["password"])
    if user is None:
        db.session.rollback()
        log.warning(
            "API sign-in refused for %r (client %s)", json_data["email"], request.remote_addr
        )
        raise _wrong_credentials()
    if not sso.password_allowed(session, current_settings(), user):
        raise PermissionDenied(_("Password sign-in is off for your account; use single sign-on"))
    token = auth.issue_api_token(session, user, user.id, json_data["label"])
    db.session.commit()
    return {"token": token, "user": user}, 201


class _WrongCredentials(EntenteError):
    code = "unauthorized"
    http_status = 401


def _wrong_credentials() -> EntenteError:
    return _WrongCredentials(_("E-mail address or password is not right"))


sign_in.required_role = None  # type: ignore[attr-defined]  # public: it is how a token is got
