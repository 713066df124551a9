"""Second factors a user holds: TOTP (authenticator apps), one-time recovery codes, and the
policy saying which roles must use one. Passkeys live in app.auth.passkeys.

TOTP follows RFC 6238 (30-second steps, 6 digits, SHA-1, as every authenticator app does).
One step either side is accepted for clock drift, and the last accepted step is stored, so a
code, or any code from an earlier step, is refused once used (ASVS 6.5.1).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence

import pyotp
import segno
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth import sessions
from app.auth.factor_models import Passkey, RecoveryCode, SecondFactorPolicy, TotpFactor
from app.auth.models import Role, User
from app.core import clock
from app.core.errors import ValidationError
from app.settings import Settings

ISSUER = "Entente"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
METHODS = ("password", "oidc")
_hasher = PasswordHasher()
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


# --- TOTP -------------------------------------------------------------------------------


def new_totp_secret() -> str:
    """A fresh 160-bit base32 secret (RFC 4226's recommended length)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code (no image library needed)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, border=2))


def current_step() -> int:
    return int(clock.now().timestamp()) // STEP_SECONDS


def _matching_step(secret: str, code: str, after: int) -> int | None:
    """The time-step within the drift window, later than `after`, whose code this is."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    otp = pyotp.TOTP(secret)
    now = current_step()
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after and hmac.compare_digest(otp.generate_otp(step), code):
            return step
    return None


def enrol_totp(session: Session, user: User, secret: str, code: str) -> TotpFactor:
    """Keep `secret` as the user's authenticator app once a code from it checks out
    (replacing any earlier app)."""
    step = _matching_step(secret, code, after=0)
    if step is None:
        raise ValidationError(
            _("That code is not right; check the app's clock and try the newest code"),
            field="code",
        )
    row = session.get(TotpFactor, user.id)
    if row is None:
        row = TotpFactor(user_id=user.id, secret=secret, last_step=step)
        session.add(row)
    else:
        row.secret, row.last_step, row.created_at = secret, step, clock.now()
    session.flush()
    audit.record(session, user, "factor.totp_added", "user", user.id, f"{user.email} added an app")
    return row


def verify_totp(session: Session, user: User, code: str) -> bool:
    """Is `code` the user's current code, never used before? Notes its step when it is.

    The row is locked first, so two requests with one code cannot both pass."""
    row = session.scalar(select(TotpFactor).where(TotpFactor.user_id == user.id).with_for_update())
    if row is None:
        return False
    step = _matching_step(row.secret, code, after=row.last_step)
    if step is None:
        return False
    row.last_step = step
    session.flush()
    return True


def has_totp(session: Session, user: User) -> bool:
    return session.get(TotpFactor, user.id) is not None


def remove_totp(session: Session, user: User) -> None:
    row = session.get(TotpFactor, user.id)
    if row is not None:
        session.delete(row)
        session.flush()
        audit.record(
            session, user, "factor.totp_removed", "user", user.id, f"{user.email} removed an app"
        )


# --- Recovery codes ---------------------------------------------------------------------


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones, returned once in clear text."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hasher.hash(c)) for c in codes)
    session.flush()
    audit.record(
        session,
        user,
        "factor.recovery_codes_created",
        "user",
        user.id,
        f"{user.email} has {RECOVERY_CODES} new recovery codes",
    )
    return codes


def use_recovery_code(session: Session, user: User, code: str) -> bool:
    """Spend one unused recovery code; False if none matches."""
    given = _normalise_code(code)
    if not given:
        return False
    rows = session.scalars(
        select(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .order_by(RecoveryCode.id)
        .with_for_update()
    ).all()
    for row in rows:
        try:
            _hasher.verify(row.code_hash, given)
        except (VerificationError, InvalidHashError):
            continue
        row.used_at = clock.now()
        session.flush()
        audit.record(
            session,
            user,
            "factor.recovery_code_used",
            "user",
            user.id,
            f"{user.email} signed in with a recovery code",
        )
        return True
    return False


def recovery_codes_left(session: Session, user: User) -> int:
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _normalise_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == 10 else ""


# --- What the user holds, and resetting it ----------------------------------------------


def passkeys_of(session: Session, user: User) -> Sequence[Passkey]:
    return session.scalars(
        select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at, Passkey.id)
    ).all()


def has_second_factor(session: Session, user: User) -> bool:
    """An app or a passkey (recovery codes alone are not a factor: they back one up)."""
    return has_totp(session, user) or bool(passkeys_of(session, user))


def reset_factors(session: Session, actor: User | None, user: User) -> None:
    """Remove every factor and recovery code of `user` and end their sessions (an admin's
    help for a lost phone or key, or `flask users reset-factors`); audited."""
    for model in (TotpFactor, Passkey, RecoveryCode):
        session.execute(delete(model).where(model.user_id == user.id))
    sessions.end_all(session, user)
    audit.record(
        session,
        actor,
        "factor.reset",
        "user",
        user.id,
        f"Second factors of {user.email} removed; they enrol again at their next sign-in",
    )


# --- Policy -------------------------------------------------------------------------------


def required_roles(session: Session, method: str, default: Sequence[str]) -> frozenset[Role]:
    """The roles that must use a second factor for `method`: an administrator's choice,
    else the settings' `default`."""
    row = session.get(SecondFactorPolicy, method)
    names = row.roles.split(",") if row is not None else list(default)
    return frozenset(Role(name) for name in names if name in Role.__members__.values())


def set_required_roles(
    session: Session, actor: User, method: str, roles: Sequence[str]
) -> SecondFactorPolicy:
    if method not in METHODS:
        raise ValidationError(_("Unknown sign-in method"), field="method")
    chosen = sorted({Role(name) for name in roles}, key=lambda role: role.rank)
    row = session.get(SecondFactorPolicy, method) or SecondFactorPolicy(method=method)
    row.roles = ",".join(role.value for role in chosen)
    row.updated_at = clock.now()
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "policy.second_factor",
        "policy",
        None,
        f"Second factor required for {', '.join(chosen) or 'nobody'} ({method} sign-in)",
        {"method": method, "roles": [role.value for role in chosen]},
    )
    return row


def required_for(session: Session, user: User, method: str, settings: Settings) -> bool:
    """Must `user` give a second factor when signing in with `method`?"""
    default = (
        settings.second_factor_roles_oidc if method == "oidc" else settings.second_factor_roles
    )
    return user.role in required_roles(session, method, default)


def check_code(session: Session, user: User, code: str) -> str | None:
    """Which factor `code` is ("totp", or "recovery" for a recovery code, which is spent),
    or None when it is neither."""
    if verify_totp(session, user, code):
        return "totp"
    if use_recovery_code(session, user, code):
        return "recovery"
    return None
