"""Passkeys and security keys (WebAuthn, with py_webauthn): the two ceremonies' server side.

The browser part is app/static/js/passkeys.js. Each ceremony's challenge is made here, kept
by the caller until the browser answers (app.auth.second_factor keeps it in the signed
session cookie), and used once. The relying party id and origin come from settings
(`webauthn_rp_id`, `base_url`), never from the request's Host header, so a credential made
for Entente cannot be asked for by another site.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app.audit import services as audit
from app.auth.factor_models import Passkey
from app.auth.models import User
from app.core import clock, validation
from app.core.errors import NotFound, ValidationError

RP_NAME = "Entente"


@dataclass(frozen=True)
class RelyingParty:
    id: str
    origin: str

    @classmethod
    def from_settings(cls, base_url: str, rp_id: str = "") -> RelyingParty:
        parts = urlsplit(base_url)
        return cls(
            id=rp_id or parts.hostname or "localhost", origin=f"{parts.scheme}://{parts.netloc}"
        )


def registration_options(session: Session, user: User, rp: RelyingParty) -> tuple[str, bytes]:
    """Options for navigator.credentials.create() (JSON) and the challenge to keep."""
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=RP_NAME,
        user_id=f"entente-user-{user.id}".encode(),
        user_name=user.email,
        user_display_name=user.name or user.email,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(session, user),
    )
    return options_to_json(options), options.challenge


def register(
    session: Session,
    user: User,
    rp: RelyingParty,
    credential: str | dict[str, Any],
    challenge: bytes,
    name: str,
) -> Passkey:
    """Keep a new credential once its attestation checks out (challenge, origin, RP id)."""
    label = validation.text(name, "name", max_length=100, required=False) or _("Passkey")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise ValidationError(
            _("The passkey could not be registered"), field="credential"
        ) from error
    if session.scalar(select(Passkey.id).where(Passkey.credential_id == verified.credential_id)):
        raise ValidationError(_("This passkey is already registered"), field="credential")
    row = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=label,
        transports=",".join(_transports(credential)),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        user,
        "factor.passkey_added",
        "user",
        user.id,
        f"{user.email} added passkey {label!r}",
    )
    return row


def authentication_options(session: Session, user: User, rp: RelyingParty) -> tuple[str, bytes]:
    """Options for navigator.credentials.get() limited to the user's passkeys."""
    options = generate_authentication_options(
        rp_id=rp.id,
        allow_credentials=_descriptors(session, user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), options.challenge


def authenticate(
    session: Session,
    user: User,
    rp: RelyingParty,
    credential: str | dict[str, Any],
    challenge: bytes,
) -> bool:
    """Does this assertion come from one of the user's passkeys? Notes its use when it does;
    a signature counter that went backwards (a cloned key) is refused."""
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return False
    row = session.scalar(
        select(Passkey)
        .where(Passkey.user_id == user.id, Passkey.credential_id == parsed.raw_id)
        .with_for_update()
    )
    if row is None:
        return False
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=row.public_key,
            credential_current_sign_count=row.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return False
    row.sign_count = verified.new_sign_count
    row.last_used_at = clock.now()
    session.flush()
    return True


def remove(session: Session, user: User, passkey_id: int) -> None:
    row = session.get(Passkey, passkey_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("No passkey with id %(passkey_id)s", passkey_id=passkey_id))
    session.delete(row)
    session.flush()
    audit.record(
        session,
        user,
        "factor.passkey_removed",
        "user",
        user.id,
        f"{user.email} removed passkey {row.name!r}",
    )


def _descriptors(session: Session, user: User) -> list[PublicKeyCredentialDescriptor]:
    rows: Sequence[Passkey] = session.scalars(
        select(Passkey).where(Passkey.user_id == user.id)
    ).all()
    return [
        PublicKeyCredentialDescriptor(
            id=row.credential_id,
            transports=[
                AuthenticatorTransport(t)
                for t in row.transports.split(",")
                if t in AuthenticatorTransport.__members__.values()
            ]
            or None,
        )
        for row in rows
    ]


def _transports(credential: str | dict[str, Any]) -> list[str]:
    if not isinstance(credential, dict):
        return []
    response = credential.get("response")
    found = response.get("transports") if isinstance(response, dict) else None
    allowed = {t.value for t in AuthenticatorTransport}
    return [t for t in found if t in allowed][:8] if isinstance(found, list) else []
