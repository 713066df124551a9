"""Typed, frozen settings: config/default.toml, then config/<env>.toml, then ENTENTE_* env."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from flask import Flask, current_app

from app.core.languages import LANGUAGES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "config"
ENV_PREFIX = "ENTENTE_"


class SettingsError(RuntimeError):
    """The configuration is incomplete or invalid; the app must not start."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    secret_key: str = ""
    database_url: str = ""
    base_url: str = ""  # empty: each request's own address (app/web/links.py)
    display_timezone: str = "Europe/London"
    # Interface language when neither the user's choice nor the browser's names one we speak.
    default_language: str = "en"
    sql_echo: bool = False
    # Time bounds on the database, in seconds (0: none); see docs/operations.md.
    database_connect_timeout: int = 5
    database_statement_timeout: int = 15
    database_lock_timeout: int = 10
    database_pool_timeout: int = 5
    session_cookie_secure: bool = False
    session_lifetime_hours: int = 12  # a signed-in session unused this long ends
    session_max_hours: int = 168  # and every session ends this long after sign-in
    max_content_length: int = 2 * 1024 * 1024
    login_rate_limit: str = "10 per minute"
    # API sign-in (e-mail and password for a token) and token issue, per address.
    api_sign_in_rate_limit: str = "10 per minute"
    # Roles that must use a second factor, per sign-in method (an administrator's choice on
    # the sign-in security page wins over these defaults).
    second_factor_roles: tuple[str, ...] = ("editor", "admin")
    second_factor_roles_oidc: tuple[str, ...] = ()
    # Days an API token lives unless its owner picks fewer.
    api_token_days: int = 90
    # Passkeys: the relying party id (a registrable domain; empty: base_url's host).
    webauthn_rp_id: str = ""
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: none, trust none).
    proxy_count: int = 0
    ratelimit_storage_uri: str = "memory://"
    feed_refresh_minutes: int = 60
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = False
    mail_sender: str = "Entente Secretariat <secretariat@entente.example>"
    secretariat_email: str = ""  # alerts (late agendas, cadence); empty: mail_sender's address
    reminder_lead_days: tuple[int, ...] = (7, 2)
    agenda_due_working_days: int = 10
    # Papers: due this many working days before the meeting, per meeting kind (slug) or else
    # the default; owners reminded these many days before the due date.
    paper_due_working_days: int = 10
    paper_due_working_days_by_kind: dict[str, int] = field(default_factory=dict)
    paper_reminder_days: tuple[int, ...] = (5, 1)
    # Uploaded documents: largest file, and how far an Office file may expand (zip bombs).
    upload_max_bytes: int = 100 * 1024 * 1024
    upload_max_expanded_bytes: int = 512 * 1024 * 1024
    upload_max_ratio: int = 100
    # Briefing packs: the LibreOffice command converting office papers, and how long one
    # pack's conversion may take before the papers it has not done become placeholders.
    pack_soffice: str = "soffice"
    pack_convert_timeout_seconds: int = 120
    cadence_alert_days: int = 60
    # Scheduler lease: a standby takes over at most lease + renew seconds after the holder died.
    scheduler_lease_seconds: int = 60
    scheduler_renew_seconds: int = 15
    # Inbound calendar e-mail (replies, Brussels' invitations); empty host: no mailbox polled.
    inbound_imap_host: str = ""
    inbound_imap_port: int = 993
    inbound_imap_user: str = ""
    inbound_imap_password: str = field(default="", repr=False)
    inbound_imap_tls: bool = True  # plain IMAP only to a loopback host (tests, a local relay)
    inbound_imap_mailbox: str = "INBOX"
    inbound_imap_poll_minutes: int = 5
    inbound_imap_allowed_sender_domains: tuple[str, ...] = ()
    inbound_imap_max_message_bytes: int = 1024 * 1024
    instance_path: str = str(PROJECT_ROOT / "instance")
    # Single sign-on: when oidc_discovery_url is set, these four win over the provider an
    # admin entered on the page (which then shows them read-only); see docs/security.md.
    oidc_name: str = ""
    oidc_discovery_url: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = field(default="", repr=False)

    def paper_working_days(self, kind_slug: str) -> int:
        """How many working days before a meeting of this kind its papers are due."""
        return self.paper_due_working_days_by_kind.get(kind_slug, self.paper_due_working_days)

    def __repr__(self) -> str:  # never print secrets
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.repr}
        shown["secret_key"] = "***" if self.secret_key else ""
        shown["database_url"] = _redact_url(self.database_url)
        return f"Settings({shown})"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return _normalise_url(self.database_url)
        return f"sqlite:///{Path(self.instance_path) / 'entente.sqlite3'}"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


# Where create_app keeps the app's Settings; read it through current_settings().
EXTENSION_KEY = "entente.settings"


def current_settings(app: Flask | None = None) -> Settings:
    """The Settings of `app` (default: the current app): the one typed way to read them."""
    settings: Settings = (app or current_app).extensions[EXTENSION_KEY]
    return settings


def load_settings(
    environ: Mapping[str, str] | None = None, config_dir: Path = CONFIG_DIR, **overrides: Any
) -> Settings:
    """Build settings from the TOML files and the environment; validate them."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = _read_toml(config_dir / "default.toml")
    env_name = environ.get(f"{ENV_PREFIX}ENV") or overrides.get("env") or values.get("env")
    env_name = str(env_name or "development")
    values.update(_read_toml(config_dir / f"{env_name}.toml"))
    values["env"] = env_name
    if env_name == "production":  # secrets only from the environment
        values["secret_key"] = ""
        values["database_url"] = ""
        values["oidc_client_secret"] = ""
    values.update(_from_environ(environ))
    values.update(overrides)
    settings = _coerce(values)
    _validate(settings)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _from_environ(environ: Mapping[str, str]) -> dict[str, str]:
    names = {f.name for f in fields(Settings)}
    found = {}
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX) :].lower()
            if name in names:
                found[name] = value
    return found


def _coerce(values: Mapping[str, Any]) -> Settings:
    hints = get_type_hints(Settings)
    known = {f.name for f in fields(Settings)}
    unknown = set(values) - known
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    typed: dict[str, Any] = {}
    for name, raw in values.items():
        typed[name] = _coerce_one(name, hints[name], raw)
    return Settings(**typed)


def _coerce_one(name: str, hint: Any, raw: Any) -> Any:
    try:
        if hint is bool:
            if isinstance(raw, bool):
                return raw
            lowered = str(raw).strip().lower()
            if lowered not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(raw)
            return lowered in {"1", "true", "yes", "on"}
        if hint is int:
            return int(raw)
        if hint == dict[str, int]:
            mapping = json.loads(raw) if isinstance(raw, str) else raw
            return {str(key): int(value) for key, value in dict(mapping).items()}
        if hint == tuple[int, ...]:
            items = json.loads(raw) if isinstance(raw, str) else raw
            return tuple(int(item) for item in items)
        if hint == tuple[str, ...]:
            return _string_tuple(raw)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {name!r} has an invalid value") from exc


def _string_tuple(raw: Any) -> tuple[str, ...]:
    """A TOML list, a JSON list or a comma-separated string (an environment variable)."""
    if isinstance(raw, str):
        text = raw.strip()
        items = json.loads(text) if text.startswith("[") else text.split(",")
    else:
        items = raw
    if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
        raise ValueError(raw)
    return tuple(item.strip().lower() for item in items if item.strip())


def _validate(settings: Settings) -> None:
    _validate_inbound(settings)
    for name in _TIMEOUTS:
        if not 0 <= getattr(settings, name) <= 3600:
            raise SettingsError(f"setting {name!r} must be between 0 and 3600 seconds")
    if not 1 <= settings.scheduler_renew_seconds <= 300:
        raise SettingsError("scheduler_renew_seconds must be between 1 and 300")
    if not 2 * settings.scheduler_renew_seconds <= settings.scheduler_lease_seconds <= 3600:
        raise SettingsError(
            "scheduler_lease_seconds must be at least twice scheduler_renew_seconds "
            "(a holder survives one missed renewal) and at most 3600"
        )
    for name in ("second_factor_roles", "second_factor_roles_oidc"):
        unknown = set(getattr(settings, name)) - {"viewer", "editor", "admin"}
        if unknown:
            raise SettingsError(f"{name}: unknown role(s) {', '.join(sorted(unknown))}")
    if not 1 <= settings.api_token_days <= 3660:
        raise SettingsError("api_token_days must be between 1 and 3660")
    if settings.default_language not in LANGUAGES:
        raise SettingsError(f"default_language must be one of {', '.join(LANGUAGES)}")
    if settings.upload_max_bytes < 1 or settings.upload_max_expanded_bytes < 1:
        raise SettingsError("upload_max_bytes and upload_max_expanded_bytes must be positive")
    if not 1 <= settings.pack_convert_timeout_seconds <= 3600:
        raise SettingsError("pack_convert_timeout_seconds must be between 1 and 3600")
    days = [settings.paper_due_working_days, *settings.paper_due_working_days_by_kind.values()]
    if not all(0 <= value <= 250 for value in days):
        raise SettingsError("paper due working days must be between 0 and 250")
    if settings.is_production:
        missing = [
            f"{ENV_PREFIX}{name.upper()}"
            for name in ("secret_key", "database_url")
            if not getattr(settings, name)
        ]
        if missing:
            raise SettingsError(f"production needs {' and '.join(missing)} in the environment")
        if len(settings.secret_key) < 32:
            raise SettingsError("ENTENTE_SECRET_KEY must be at least 32 characters in production")
    elif not settings.secret_key:
        raise SettingsError("secret_key is empty; set ENTENTE_SECRET_KEY")


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _validate_inbound(settings: Settings) -> None:
    """The inbound mailbox: plain IMAP only on loopback, sane limits, real domain names."""
    if not 1 <= settings.inbound_imap_port <= 65535:
        raise SettingsError("inbound_imap_port must be between 1 and 65535")
    if not 1 <= settings.inbound_imap_poll_minutes <= 1440:
        raise SettingsError("inbound_imap_poll_minutes must be between 1 and 1440")
    if not 1024 <= settings.inbound_imap_max_message_bytes <= 50 * 1024 * 1024:
        raise SettingsError("inbound_imap_max_message_bytes must be between 1 KiB and 50 MiB")
    for domain in settings.inbound_imap_allowed_sender_domains:
        if not _DOMAIN.match(domain):
            raise SettingsError(f"inbound_imap_allowed_sender_domains: {domain!r} is no domain")
    mailbox = settings.inbound_imap_mailbox
    if not mailbox or any(char in mailbox for char in '"\\\r\n\x00'):
        raise SettingsError("inbound_imap_mailbox must be a plain mailbox name")
    if not settings.inbound_imap_host:
        return
    if not settings.inbound_imap_user:
        raise SettingsError("inbound_imap_user is needed when inbound_imap_host is set")
    if not settings.inbound_imap_tls and settings.inbound_imap_host not in _LOOPBACK:
        raise SettingsError(
            "inbound_imap_tls may be off only for a loopback host (the password would travel "
            "in clear)"
        )


_TIMEOUTS = (
    "database_connect_timeout",
    "database_statement_timeout",
    "database_lock_timeout",
    "database_pool_timeout",
)


def _normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgres URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _redact_url(url: str) -> str:
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
