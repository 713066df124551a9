"""Users (admins only): create, change role or state, link to a person, issue and revoke
their API tokens. A user's own tokens are in app.api.tokens.

Token issue is rate-limited per client address (settings.api_sign_in_rate_limit). Tokens are
shown once, in the response body, and never logged; only their hashes are stored.
"""

from __future__ import annotations

import logging
from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Integer, Nested
from apiflask.validators import Email, Length, OneOf, Range

from app.api.auth import current_api_user, requires
from app.api.common import Id, Moment, Text, api_blueprint, no_content
from app.auth import linking
from app.auth import services as auth
from app.auth.models import Role, User
from app.extensions import db, db_session, limiter
from app.settings import Settings, current_settings

bp = api_blueprint("api_users", __name__, "/users", "Users")
blueprints = (bp,)
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
    person_id = Integer(required=True, allow_none=True, metadata={"description": "Linked person"})


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
    person_id = Id(
        allow_none=True,
        metadata={"description": "Link the account to this person (null: unlink)"},
    )


class LabelIn(Schema):
    label = Text(load_default="api", validate=Length(max=100), metadata={"description": "Name"})
    expires_in_days = Integer(
        validate=Range(min=1, max=auth.MAX_TOKEN_DAYS),
        metadata={"description": "Default: the api_token_days setting (90)"},
    )


class TokenInfo(Schema):
    id = Integer(required=True)
    label = Text(required=True, metadata={"description": "The token's name"})
    created_at = Moment(required=True)
    expires_at = Moment(required=True)
    last_used_at = Moment(required=True, allow_none=True)


class TokenOut(Schema):
    token = Text(required=True, metadata={"description": "Shown once; send as Bearer"})
    user = Nested(UserOut, required=True)
    expires_at = Moment(required=True)


class RevokedOut(Schema):
    revoked = Integer(required=True)


def token_days(json_data: dict[str, Any]) -> int:
    """The lifetime asked for, or the configured default."""
    days: int = json_data.get("expires_in_days") or current_settings().api_token_days
    return days


def issued(token: str, user: User) -> dict[str, Any]:
    """A new token's answer: the token once, its user and when it stops working."""
    row = auth.token_row(db_session(), token)
    return {"token": token, "user": user, "expires_at": row.expires_at}


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
    """Change a user's role, disable / enable them (disabling ends their sessions and revokes
    their API tokens), or link them to a person (`person_id`; null unlinks; ends their
    sessions). No change may leave the service without an active administrator."""
    session = db_session()
    user = auth.get_user(session, user_id)
    if "person_id" in json_data:
        user = linking.link_person(session, current_api_user(), user_id, json_data["person_id"])
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
    user = auth.get_user(session, user_id)
    token = auth.issue_api_token(
        session, current_api_user(), user_id, json_data["label"], days=token_days(json_data)
    )
    db.session.commit()
    return issued(token, user), 201


@bp.get("/<int:user_id>/tokens")
@requires(bp, Role.ADMIN)
@bp.output(TokenInfo(many=True))
def list_tokens(user_id: int) -> Any:
    """A user's tokens that still work (never the tokens themselves)."""
    session = db_session()
    return list(auth.list_tokens(session, auth.get_user(session, user_id)))


@bp.delete("/<int:user_id>/tokens/<int:token_id>")
@requires(bp, Role.ADMIN)
@bp.output({}, status_code=204)
def revoke_token(user_id: int, token_id: int) -> Any:
    """Revoke one of a user's tokens."""
    auth.revoke_token(db_session(), current_api_user(), token_id, owner_id=user_id)
    db.session.commit()
    return no_content()


@bp.delete("/<int:user_id>/tokens")
@requires(bp, Role.ADMIN)
@bp.output(RevokedOut)
def revoke_tokens(user_id: int) -> Any:
    """Revoke every API token of a user."""
    count = auth.revoke_api_tokens(db_session(), current_api_user(), user_id)
    db.session.commit()
    return {"revoked": count}
