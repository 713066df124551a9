"""Who a verified ID token lets in: the account, its role, or a refusal on the record.

By default only accounts an admin created come in, matched by an e-mail address the provider
says it verified; with just-in-time creation on, an unknown verified address gets an account
with the default role. With a group map, the role comes from the provider on every sign-in:
the highest role any of the user's groups gives, or the default role when none matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth import services as auth
from app.auth.models import Role, User
from app.core import clock
from app.core.errors import InvalidTransition, ValidationError
from app.sso.models import SsoIdentity
from app.sso.protocol import SignInRefused
from app.sso.services import ProviderConfig


def account_for(session: Session, config: ProviderConfig, claims: Mapping[str, Any]) -> User:
    """The active user these verified claims sign in (roles applied), or SignInRefused."""
    email = _verified_email(config, claims)
    user = session.scalar(select(User).where(User.email == email))
    role = role_from_claims(config, claims)
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    if user is not None and not user.is_active:
        raise SignInRefused("disabled", _("This account is disabled; ask an administrator"))
    _check_subject(session, user, issuer, subject)  # before anything changes
    if user is None:
        user = _create(session, config, claims, email, role)
    _bind_subject(session, user, issuer, subject)
    if role is not None and role is not user.role:
        _apply_role(session, user, role)
    user.last_login_at = clock.now()
    session.flush()
    return user


def role_from_claims(config: ProviderConfig, claims: Mapping[str, Any]) -> Role | None:
    """The highest role the user's groups map to; the default role when a map is set and
    none of their groups is in it; None when there is no map (roles stay Entente's)."""
    if not config.group_roles:
        return None
    found = claims.get(config.role_claim)
    groups = [found] if isinstance(found, str) else found if isinstance(found, list) else []
    roles = [
        config.group_roles[g] for g in groups if isinstance(g, str) and g in config.group_roles
    ]
    return max(roles, key=lambda role: role.rank) if roles else config.default_role


def record_refusal(
    session: Session, refused: SignInRefused, claims: Mapping[str, Any] | None = None
) -> None:
    """Put a refused sign-in on the audit log (the caller commits, after rolling back)."""
    email = claims.get("email") if claims else None
    shown = email if isinstance(email, str) else "unknown"
    audit.record(
        session,
        None,
        "sso.sign_in_refused",
        "user",
        None,
        f"Single sign-on refused for {shown[:254]}: {refused.reason}",
        {"reason": refused.reason, "email": shown[:254]},
    )


def _verified_email(config: ProviderConfig, claims: Mapping[str, Any]) -> str:
    raw = claims.get("email")
    if not isinstance(raw, str) or not raw.strip():
        raise SignInRefused(
            "no_email", _("The sign-in provider did not say which e-mail address is yours")
        )
    verified = claims.get(config.verified_claim)
    if verified is not True and str(verified).lower() != "true":
        raise SignInRefused(
            "email_unverified",
            _(
                "The sign-in provider has not verified your e-mail address, so it cannot be "
                "matched to an account; ask your provider's administrator"
            ),
        )
    return raw.strip().lower()


def _create(
    session: Session,
    config: ProviderConfig,
    claims: Mapping[str, Any],
    email: str,
    role: Role | None,
) -> User:
    if not config.just_in_time:
        raise SignInRefused(
            "unknown_user",
            _(
                "There is no Entente account for %(email)s; ask an administrator to add you",
                email=email,
            ),
        )
    name = claims.get("name")
    try:
        user = auth.create_user(
            session,
            None,
            email,
            role or config.default_role,
            name=name[:200] if isinstance(name, str) else "",
        )
    except ValidationError as error:
        raise SignInRefused("bad_claims", error.message) from error
    audit.record(
        session,
        None,
        "sso.account_created",
        "user",
        user.id,
        f"Account {email} created at its first single sign-on",
        {"role": user.role},
    )
    return user


def _check_subject(session: Session, user: User | None, issuer: str, subject: str) -> None:
    """Refuse a subject bound to another account, or an account bound to another subject of
    the same provider (the address was handed on to someone else)."""
    if len(issuer) > 500 or len(subject) > 255:
        raise SignInRefused("bad_claims", _("The sign-in provider sent an identity too long"))
    owner = session.scalar(
        select(SsoIdentity).where(SsoIdentity.issuer == issuer, SsoIdentity.subject == subject)
    )
    mine = _identity(session, user)
    if (owner is not None and (user is None or owner.user_id != user.id)) or (
        mine is not None and mine.issuer == issuer and mine.subject != subject
    ):
        raise SignInRefused(
            "subject_mismatch",
            _(
                "Your sign-in provider account is not the one this Entente account was first "
                "used with; ask an administrator"
            ),
        )


def _identity(session: Session, user: User | None) -> SsoIdentity | None:
    if user is None:
        return None
    return session.scalar(select(SsoIdentity).where(SsoIdentity.user_id == user.id))


def _bind_subject(session: Session, user: User, issuer: str, subject: str) -> None:
    """Bind the account to the provider's subject at its first sign-in (or to the new
    provider's, when the admin connected another)."""
    mine = _identity(session, user)
    if mine is None:
        session.add(SsoIdentity(user_id=user.id, issuer=issuer, subject=subject))
    elif mine.issuer != issuer:  # the admin connected another provider: bind to the new one
        mine.issuer, mine.subject = issuer, subject
    else:
        return
    session.flush()
    audit.record(
        session,
        None,
        "sso.subject_bound",
        "user",
        user.id,
        f"{user.email} bound to its single sign-on subject",
        {"issuer": issuer, "subject": subject},
    )


def forget_subject(session: Session, actor: User | None, user: User) -> bool:
    """Unbind the account from its provider subject (its next sign-in binds again)."""
    mine = _identity(session, user)
    if mine is None:
        return False
    session.delete(mine)
    session.flush()
    audit.record(
        session,
        actor,
        "sso.subject_forgotten",
        "user",
        user.id,
        f"{user.email} unbound from its single sign-on subject",
        {"issuer": mine.issuer, "subject": mine.subject},
    )
    return True


def _apply_role(session: Session, user: User, role: Role) -> None:
    """The provider's role, unless it would leave Entente without an administrator."""
    try:
        auth.set_role(session, None, user.id, role)
    except InvalidTransition:
        audit.record(
            session,
            None,
            "sso.role_kept",
            "user",
            user.id,
            f"{user.email} stays admin: the provider's groups say {role}, but they are the "
            "only active administrator",
            {"role": role},
        )
