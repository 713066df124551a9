"""The one OpenID Connect provider Entente trusts, as an admin connected it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.models import Role
from app.core.db import Base, UTCDateTime, enum_column, utcnow


class SsoProvider(Base):
    """One row at most (id 1): the button on the sign-in page names one provider."""

    __tablename__ = "sso_providers"
    __table_args__ = (CheckConstraint("id = 1", name="single_provider"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, default=1)
    enabled: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(100), default="")
    discovery_url: Mapped[str] = mapped_column(String(500), default="")
    client_id: Mapped[str] = mapped_column(String(255), default="")
    # Fernet-sealed under a key derived from ENTENTE_SECRET_KEY (app/core/sealed.py).
    client_secret_sealed: Mapped[str] = mapped_column(Text, default="")
    # The ID token claim that carries the user's groups (a list or one string).
    role_claim: Mapped[str] = mapped_column(String(100), default="groups")
    # {"group name": "viewer" | "editor" | "admin"}; the highest role a user's groups give wins.
    group_roles: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The claim that says the e-mail address is verified (Entra ID: xms_edov).
    verified_claim: Mapped[str] = mapped_column(String(100), default="email_verified")
    just_in_time: Mapped[bool] = mapped_column(default=False)
    default_role: Mapped[Role] = mapped_column(
        enum_column(Role, "sso_default_role"), default=Role.VIEWER
    )
    # Roles that may no longer sign in with a password, comma-separated ("" : all may).
    password_off_roles: Mapped[str] = mapped_column(String(50), default="")
    # Signing out of Entente also signs out at the provider (RP-initiated logout).
    provider_logout: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SsoIdentity(Base):
    """The provider's subject (`iss`, `sub`) an account was first signed in with.

    An e-mail address can be handed to someone else at the provider; the subject cannot
    (OpenID Connect Core 5.7). Once bound, the account only comes in with that subject.
    """

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
