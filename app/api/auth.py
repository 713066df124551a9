"""Bearer-token authentication for the API and the role each operation needs.

Only the `Authorization: Bearer <token>` header authenticates: the session cookie never does,
which is why the API can be exempt from CSRF.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from apiflask import APIBlueprint, HTTPError, HTTPTokenAuth
from flask import request
from sqlalchemy.exc import SQLAlchemyError

from app.auth import services as auth
from app.auth.models import Role, User
from app.extensions import db_session

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)
# Documented on every operation, so that clients (and schemathesis) know every answer.
READ_RESPONSES = {
    400: "Malformed request",
    403: "The token's user lacks the role",
    404: "Not found",
    422: "Invalid input; `field` names the offending field",
    429: "Too many requests",
}
WRITE_RESPONSES = {
    409: "Conflicting state: a duplicate, a forbidden status change, a stale version",
    413: "Request body too large",
    415: "Unsupported media type",
}

token_auth = HTTPTokenAuth(
    scheme="Bearer",
    description="An API token from `flask users token EMAIL` or POST /api/v1/tokens.",
)


@token_auth.verify_token
def _verify(token: str) -> User | None:
    session = db_session()
    user = auth.user_for_token(session, token)
    if user is None:
        # Never the token itself: logs are read by more people than hold tokens.
        log.warning("API token refused (client %s)", request.remote_addr)
    elif session.dirty:
        # The token's last use is recorded (at most once a minute) in its own short
        # transaction, so that a read request does not hold a write lock.
        try:
            session.commit()
        except SQLAlchemyError:
            session.rollback()
    return user


@token_auth.get_user_roles
def _roles(user: User) -> list[str]:
    return [role.value for role in Role if user.has_role(role)]


@token_auth.error_processor
def _auth_error(error: HTTPError) -> Any:
    code = "unauthorized" if error.status_code == 401 else "forbidden"
    message = (
        "Send a valid API token as 'Authorization: Bearer <token>'"
        if error.status_code == 401
        else "Your role does not allow this"
    )
    headers = {"WWW-Authenticate": 'Bearer realm="entente"'} if error.status_code == 401 else {}
    return {"code": code, "message": message, "field": None}, error.status_code, headers


def requires(bp: APIBlueprint, role: Role) -> Callable[[F], F]:
    """Bearer token with at least `role` (viewer reads, editor writes, admin manages users)."""

    def decorator(view: F) -> F:
        guarded = bp.auth_required(token_auth, roles=[role.value])(view)
        guarded.required_role = role  # type: ignore[attr-defined]  # read by the route audit
        responses: dict[int, str] = dict(READ_RESPONSES)
        if role is not Role.VIEWER:
            responses.update(WRITE_RESPONSES)
        responses.update(getattr(view, "_spec", {}).get("responses") or {})
        return bp.doc(responses=responses)(guarded)

    return decorator


def current_api_user() -> User:
    """The token's user: the acting user passed to services."""
    user = token_auth.current_user
    assert isinstance(user, User)
    return user
