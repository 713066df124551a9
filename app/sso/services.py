"""The provider's settings: saved by an admin (audited, secret sealed), merged with ENTENTE_OIDC_*.

Which wins: the connection (name, discovery URL, client id, secret) comes from settings when
`oidc_discovery_url` is set there, because an operator who deploys it that way expects the
environment to be the truth; the policy (role claim, group map, verified-e-mail claim,
just-in-time accounts, password sign-in, provider sign-out) is always the page's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import Role, User
from app.core import sealed, validation
from app.core.errors import ValidationError
from app.settings import Settings
from app.sso.models import SsoProvider
from app.sso.protocol import Connection, ProviderUnavailable, forget_cached, logout_url

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# The Flask session key set when the provider signed the user in (sign-out reads it).
SIGNED_IN_KEY = "sso_signed_in"
# ...and the provider's end-session address, kept for the signed-out page.
EXIT_KEY = "sso_exit"


@dataclass(frozen=True)
class ProviderConfig:
    """The provider as sign-in uses it (None from `active` when none is connected)."""

    name: str
    connection: Connection = field(repr=False)
    role_claim: str = "groups"
    group_roles: Mapping[str, Role] = field(default_factory=dict)
    verified_claim: str = "email_verified"
    just_in_time: bool = False
    default_role: Role = Role.VIEWER
    password_off_roles: frozenset[Role] = frozenset()
    provider_logout: bool = False

    def password_allowed(self, role: Role) -> bool:
        return role not in self.password_off_roles

    @property
    def password_off_for_everyone(self) -> bool:
        return self.password_off_roles >= set(Role)


@dataclass(frozen=True)
class ProviderInput:
    """What the admin page sends; an empty `client_secret` keeps the stored one."""

    enabled: bool
    name: str
    discovery_url: str
    client_id: str
    client_secret: str
    role_claim: str
    group_roles: str
    verified_claim: str
    just_in_time: bool
    default_role: str
    password_off_roles: tuple[str, ...]
    provider_logout: bool


def stored(session: Session) -> SsoProvider | None:
    return session.get(SsoProvider, 1)


def settings_connect(settings: Settings) -> bool:
    """True when ENTENTE_OIDC_DISCOVERY_URL (or the config files) name the provider."""
    return bool(settings.oidc_discovery_url)


def active(session: Session, settings: Settings) -> ProviderConfig | None:
    """The provider sign-in uses now, or None (no button; every password sign-in allowed)."""
    row = stored(session)
    if settings_connect(settings):
        name = settings.oidc_name or (row.name if row else "") or "single sign-on"
        connection = Connection(
            settings.oidc_discovery_url, settings.oidc_client_id, settings.oidc_client_secret
        )
    elif row is not None and row.enabled:
        name = row.name
        connection = Connection(row.discovery_url, row.client_id, _secret(row, settings))
    else:
        return None
    if row is None:
        return ProviderConfig(name=name, connection=connection)
    return ProviderConfig(
        name=name,
        connection=Connection(
            connection.discovery_url,
            connection.client_id,
            connection.client_secret,
            (row.role_claim,),
        ),
        role_claim=row.role_claim,
        group_roles={group: Role(role) for group, role in row.group_roles.items()},
        verified_claim=row.verified_claim,
        just_in_time=row.just_in_time,
        default_role=row.default_role,
        password_off_roles=_roles(row.password_off_roles),
        provider_logout=row.provider_logout,
    )


def save(
    session: Session, actor: User | None, settings: Settings, data: ProviderInput
) -> SsoProvider:
    """Connect, change or switch off the provider (audited; the secret is never recorded)."""
    row = stored(session) or SsoProvider(id=1, group_roles={})
    before = _snapshot(row)
    if not settings_connect(settings):  # else the connection is the settings' (not shown)
        _connect(row, settings, data)
    row.role_claim = validation.text(data.role_claim or "groups", "role_claim", max_length=100)
    row.group_roles = parse_group_roles(data.group_roles)
    row.verified_claim = validation.text(
        data.verified_claim or "email_verified", "verified_claim", max_length=100
    )
    row.just_in_time = data.just_in_time
    row.default_role = validation.choice(Role, data.default_role or "viewer", "default_role")
    row.password_off_roles = ",".join(
        sorted(
            validation.choice(Role, role, "password_off_roles") for role in data.password_off_roles
        )
    )
    row.provider_logout = data.provider_logout
    session.add(row)
    session.flush()
    changes = audit.diff(before, _snapshot(row))
    if data.client_secret:
        changes["client_secret"] = "replaced"  # noqa: S105 - a note, never the secret
    audit.record(
        session, actor, "sso.provider_saved", "sso_provider", row.id, _summary(row), changes
    )
    forget_cached()
    return row


def _connect(row: SsoProvider, settings: Settings, data: ProviderInput) -> None:
    row.enabled = data.enabled
    row.name = validation.text(data.name, "name", max_length=100, required=data.enabled)
    row.discovery_url = _discovery_url(data.discovery_url, required=data.enabled)
    row.client_id = validation.text(
        data.client_id, "client_id", max_length=255, required=data.enabled
    )
    if data.client_secret:
        row.client_secret_sealed = sealed.seal(settings.secret_key, data.client_secret)
    elif data.enabled and not _secret(row, settings):
        raise ValidationError(_("Enter the client secret"), field="client_secret")


def password_sign_in_on(session: Session, actor: User | None) -> None:
    """Let every role sign in with a password again (the way back when the provider fails)."""
    row = stored(session)
    if row is None or not row.password_off_roles:
        return
    was = row.password_off_roles
    row.password_off_roles = ""
    session.flush()
    audit.record(
        session,
        actor,
        "sso.password_sign_in_on",
        "sso_provider",
        row.id,
        "Password sign-in switched back on for every role",
        {"password_off_roles": [was, ""]},
    )


def parse_group_roles(text: str) -> dict[str, str]:
    """ "group = role" lines (blank lines ignored) as {group: role}."""
    found: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        group, equals, role = line.rpartition("=")
        group = group.strip()
        if not equals or not group or len(group) > 200:
            raise ValidationError(
                _(
                    'Line %(number)s: write "group = role", e.g. "entente-editors = editor"',
                    number=number,
                ),
                field="group_roles",
            )
        found[group] = validation.choice(Role, role.strip().lower(), "group_roles").value
    return found


def group_roles_text(row: SsoProvider | None) -> str:
    return "\n".join(
        f"{group} = {role}" for group, role in (row.group_roles if row else {}).items()
    )


def _discovery_url(value: str, *, required: bool) -> str:
    url = validation.text(value, "discovery_url", max_length=500, required=required)
    if not url:
        return ""
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    )
    if not secure or not parts.hostname:
        raise ValidationError(
            _("Enter the provider's https:// address (http:// only on this machine)"),
            field="discovery_url",
        )
    if not parts.path.endswith("/.well-known/openid-configuration"):
        url = url.rstrip("/") + "/.well-known/openid-configuration"
    return url


def _secret(row: SsoProvider, settings: Settings) -> str:
    if not row.client_secret_sealed:
        return ""
    try:
        return sealed.unseal(settings.secret_key, row.client_secret_sealed)
    except sealed.Unreadable:
        return ""  # the secret key changed: the page asks for the client secret again


def secret_unreadable(row: SsoProvider | None, settings: Settings) -> bool:
    return bool(row and row.client_secret_sealed and not _secret(row, settings))


def _roles(text: str) -> frozenset[Role]:
    return frozenset(Role(name) for name in text.split(",") if name)


def _snapshot(row: SsoProvider) -> dict[str, object]:
    return {
        "enabled": row.enabled,
        "name": row.name,
        "discovery_url": row.discovery_url,
        "client_id": row.client_id,
        "role_claim": row.role_claim,
        "group_roles": dict(row.group_roles or {}),
        "verified_claim": row.verified_claim,
        "just_in_time": row.just_in_time,
        "default_role": row.default_role,
        "password_off_roles": row.password_off_roles,
        "provider_logout": row.provider_logout,
    }


def _summary(row: SsoProvider) -> str:
    if not row.enabled:
        return "Single sign-on switched off"
    return f"Single sign-on with {row.name} ({row.discovery_url})"


def password_allowed(session: Session, settings: Settings, user: User) -> bool:
    """May this user sign in with a password (the page and the API's token sign-in)?
    Always, when no provider is connected: switching single sign-on off cannot lock anyone out."""
    config = active(session, settings)
    return config is None or config.password_allowed(user.role)


def logout_target(session: Session, settings: Settings, after: str) -> str | None:
    """The provider's end-session address to send the browser to after signing out of
    Entente, when the admin asked for it and the provider offers one (else None)."""
    config = active(session, settings)
    if config is None or not config.provider_logout:
        return None
    try:
        return logout_url(config.connection.discovery_url, config.connection.client_id, after)
    except ProviderUnavailable:
        return None  # Entente's session has ended anyway
