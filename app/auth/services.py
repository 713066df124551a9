"""Users, roles, passwords (argon2) and API tokens (hashed, constant-time compared)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth import sessions
from app.auth.models import ApiToken, Role, User
from app.core import clock, security, timezones, validation
from app.core.errors import DuplicateError, InvalidTransition, NotFound, ValidationError
from app.core.languages import LANGUAGES
from app.core.unique import flush_unique

MIN_PASSWORD_LENGTH = 10
TOKEN_USE_RESOLUTION = timedelta(minutes=1)
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3660
_hasher = PasswordHasher()
# Verifying against this keeps failed logins for unknown users as slow as for known ones.
_DUMMY_HASH = _hasher.hash("entente-dummy-password")


def list_users(session: Session) -> Sequence[User]:
    """Every user, active or not, by e-mail address."""
    return session.scalars(select(User).order_by(User.email)).all()


def get_user(session: Session, user_id: int) -> User:
    """The user with this id, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No user with id %(user_id)s", user_id=user_id))
    return user


def get_user_by_email(session: Session, email: str) -> User:
    """The user with this address (matched trimmed and lower-case), or NotFound."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(_("No user with e-mail %(email)s", email=repr(email)), field="email")
    return user


def create_user(
    session: Session,
    actor: User | None,
    email: str,
    role: Role | str,
    *,
    password: str | None = None,
    name: str = "",
) -> User:
    """Create a user, with a password only if one is given; DuplicateError if the address
    is taken, ValidationError for a bad address, role or short password."""
    address = validation.email(email)
    if session.scalar(select(User.id).where(User.email == address)):
        raise _address_taken(address)
    user = User(
        email=address,
        name=validation.text(name, "name", max_length=200, required=False),
        role=validation.choice(Role, role, "role"),
        session_nonce=secrets.token_hex(16),
        password_hash=_hash_password(password) if password else None,
    )
    session.add(user)
    flush_unique(session, {"uq_users_email": _address_taken(address)})
    audit.record(
        session,
        actor,
        "user.created",
        "user",
        user.id,
        f"User {address} created",
        {"email": address, "role": user.role},
    )
    return user


def set_password(session: Session, actor: User | None, user_id: int, password: str) -> None:
    """A new password ends the user's sessions and revokes their API tokens: anyone who knew
    the old password could have traded it for a token (POST /api/v1/tokens)."""
    user = get_user(session, user_id)
    user.password_hash = _hash_password(password)
    sessions.end_all(session, user)
    revoked = _revoke_tokens(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.password_set",
        "user",
        user.id,
        f"Password set for {user.email}; {revoked} API token(s) revoked",
        {"tokens_revoked": revoked},
    )


def set_role(session: Session, actor: User | None, user_id: int, role: Role | str) -> User:
    """Change a user's role, ending their sessions; InvalidTransition if it would leave no
    active administrator."""
    user = get_user(session, user_id)
    new_role = validation.choice(Role, role, "role")
    if new_role != user.role:
        keep_an_administrator(session, user, role=new_role, active=user.is_active, field="role")
        changes = {"role": [user.role.value, new_role.value]}
        user.role = new_role
        sessions.end_all(session, user)  # sessions signed in under the old role end
        session.flush()
        audit.record(
            session,
            actor,
            "user.role_changed",
            "user",
            user.id,
            f"{user.email} is now {new_role}",
            changes,
        )
    return user


def set_active(session: Session, actor: User | None, user_id: int, active: bool) -> User:
    """Enable or disable a user, ending their sessions; disabling also revokes their API tokens.
    Refuses to disable yourself (ValidationError) or the last active administrator."""
    user = get_user(session, user_id)
    if actor is not None and actor.id == user.id and not active:
        raise ValidationError(_("You cannot disable your own account"), field="is_active")
    keep_an_administrator(session, user, role=user.role, active=active, field="is_active")
    user.is_active = active
    sessions.end_all(session, user)
    if active:
        session.flush()
        audit.record(session, actor, "user.enabled", "user", user.id, f"{user.email} enabled")
        return user
    # Tokens are revoked, not just refused while disabled: enabling must not revive them.
    revoked = _revoke_tokens(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.disabled",
        "user",
        user.id,
        f"{user.email} disabled; {revoked} API token(s) revoked",
        {"tokens_revoked": revoked},
    )
    return user


def keep_an_administrator(
    session: Session, user: User, *, role: Role, active: bool, field: str
) -> None:
    """The one rule every account change meets (UI, API, CLI): no change may leave the system
    without an active administrator.

    The active administrators' rows are locked (in id order, so two admins demoting each
    other at once wait rather than deadlock), so the second of two such changes sees the first.
    """
    if not (user.is_active and user.role is Role.ADMIN) or (active and role is Role.ADMIN):
        return
    admins = session.scalars(
        select(User.id)
        .where(User.role == Role.ADMIN, User.is_active.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    if not any(admin_id != user.id for admin_id in admins):
        raise InvalidTransition(
            _(
                "%(email)s is the only active administrator; make another user an "
                "administrator first, or the service would have none",
                email=user.email,
            ),
            field=field,
        )


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost whether or not they exist)."""
    user = session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active or not user.password_hash:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    return user


def user_for_session(session: Session, session_id: str) -> User | None:
    """Resolve a Flask-Login id "<user id>:<nonce>"; a changed nonce ends the session."""
    user_id, _sep, nonce = (session_id or "").partition(":")
    if not validation.is_digits(user_id) or not nonce:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.is_active or not secrets.compare_digest(user.session_nonce, nonce):
        return None
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Sign the user out everywhere: every session row ends and the nonce changes."""
    sessions.end_all(session, user)


def issue_api_token(
    session: Session,
    actor: User | None,
    user_id: int,
    label: str = "",
    *,
    days: int = DEFAULT_TOKEN_DAYS,
) -> str:
    """Create a token named `label` that works for `days` days and return it in clear text,
    once; only its hash is kept."""
    user = get_user(session, user_id)
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError(
            _("A token lives between 1 and %(MAX_TOKEN_DAYS)s days", MAX_TOKEN_DAYS=MAX_TOKEN_DAYS),
            field="expires_in_days",
        )
    token = security.new_token()
    row = ApiToken(
        user_id=user.id,
        token_hash=security.hash_token(token),
        label=validation.text(label, "label", max_length=100, required=False),
        expires_at=clock.now() + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "token.issued",
        "user",
        user.id,
        f"API token {row.label!r} issued for {user.email}, valid {days} days",
        {"token_id": row.id, "days": days},
    )
    return token


def token_row(session: Session, token: str) -> ApiToken:
    """The stored row of a token just issued (found by its hash)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == security.hash_token(token)))
    if row is None:
        raise NotFound(_("No such API token"))
    return row


def list_tokens(session: Session, user: User) -> Sequence[ApiToken]:
    """The user's tokens that still work (not revoked, not expired), newest first."""
    return session.scalars(
        select(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > clock.now(),
        )
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()


def revoke_token(session: Session, actor: User, token_id: int, *, owner_id: int) -> ApiToken:
    """Revoke one token of `owner_id` (NotFound if it is not theirs: ids are not secrets)."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != owner_id:
        raise NotFound(_("No API token with id %(token_id)s", token_id=token_id))
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        session.flush()
        audit.record(
            session,
            actor,
            "token.revoked",
            "user",
            owner_id,
            f"API token {row.label!r} revoked",
            {"token_id": row.id},
        )
    return row


def user_for_token(session: Session, token: str) -> User | None:
    """The active user an unrevoked API token belongs to, or None; notes its last use
    to the minute."""
    if not token:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == security.hash_token(token)))
    if (
        row is None
        or row.revoked_at is not None
        or row.expires_at <= clock.now()
        or not security.token_matches(token, row.token_hash)
    ):
        return None
    if not row.user.is_active:
        return None
    now = clock.now()
    # Recorded to the minute: a write on every request would serialise readers on the row.
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        row.last_used_at = now
    return row.user


def revoke_api_tokens(session: Session, actor: User | None, user_id: int) -> int:
    """Revoke all of a user's unrevoked API tokens and return how many there were."""
    user = get_user(session, user_id)
    count = _revoke_tokens(user)
    session.flush()
    audit.record(session, actor, "token.revoked", "user", user.id, f"{count} API token(s) revoked")
    return count


def _revoke_tokens(user: User) -> int:
    count = 0
    for row in user.tokens:
        if row.revoked_at is None:
            row.revoked_at = clock.now()
            count += 1
    return count


def _hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _(
                "Password must be at least %(MIN_PASSWORD_LENGTH)s characters",
                MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH,
            ),
            field="password",
        )
    return _hasher.hash(password)


def set_preferences(
    session: Session,
    actor: User | None,
    user_id: int,
    *,
    zone_name: str | None,
    language: str | None,
) -> User:
    """A user's display zone (alongside each meeting's own) and interface/e-mail language.

    None means the default: the service's zone; the browser's language, else the service's.
    """
    user = get_user(session, user_id)
    if zone_name:
        timezones.zone(zone_name)
    if language and language not in LANGUAGES:
        raise ValidationError(_("Choose English or French"), field="language")
    user.timezone = zone_name or None
    user.language = language or None
    session.flush()
    audit.record(
        session, actor, "user.preferences_set", "user", user.id, f"Settings of {user.email} set"
    )
    return user


def _address_taken(address: str) -> DuplicateError:
    return DuplicateError(
        _("A user with e-mail %(address)s already exists", address=address), field="email"
    )
